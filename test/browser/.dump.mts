import { readFileSync } from "node:fs";
import { loadSimulator } from "/work/main/src/model/index.ts";
import { compileByName, parseSets } from "/work/main/src/scenario/index.ts";
const sim = await loadSimulator();
const c = compileByName(process.argv[2], parseSets(process.argv.slice(3)));
const r = sim.run(c, { trace: true });
for (const e of r.events!) console.log(JSON.stringify(e));
console.log(JSON.stringify(r.result));
