// Writes docs/scenario.schema.json from the zod schema in src/scenario/schema.ts.
import { writeFileSync } from "node:fs";
import { tsImport } from "tsx/esm/api";
const { scenarioJsonSchema } = await tsImport("../src/scenario/schema.ts", import.meta.url);
writeFileSync(new URL("../docs/scenario.schema.json", import.meta.url), JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
