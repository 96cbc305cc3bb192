/** Runs the fuzzer's scenarios in the model in a child process (wasm-runner.ts): test/hostile/fuzz-schema.test.ts and
 * bench/fuzz.ts share it. A scenario that leaves the child silent for `limitMs` is a hang: the child is killed. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface FuzzLine { i: number; status?: string; intact?: boolean; stopped?: string; crash?: string; trap?: string; refused?: boolean; scenario?: unknown }
export interface FuzzOutcome { lines: FuzzLine[]; hang?: number; ms: number }

/** Runs wasm-runner.ts on `n` schema scenarios of `seed`; a program silent for 15 s is a hang (the child is killed). */
export function runSchemaFuzz(seed: number, n: number, limitMs = 15_000): Promise<FuzzOutcome> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", root + "test/hostile/wasm-runner.ts", "schema", String(seed), String(n)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const o: FuzzOutcome = { lines: [], ms: 0 };
    let buf = "", err = "", current = -1, timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { o.hang = current; child.kill("SIGKILL"); }, current < 0 ? 90_000 : limitMs);
    };
    arm();
    child.stderr.on("data", (b: Buffer) => (err += b));
    child.stdout.on("data", (b: Buffer) => {
      buf += b;
      let k;
      while ((k = buf.indexOf("\n")) >= 0) {
        const line = JSON.parse(buf.slice(0, k)) as FuzzLine & { start?: number };
        buf = buf.slice(k + 1);
        arm();
        if (line.start !== undefined) current = line.start;
        else if (line.i !== undefined) o.lines.push(line);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      o.ms = Date.now() - t0;
      if (o.hang === undefined && code !== 0) return reject(new Error(`the runner failed (${code}): ${err.slice(0, 2000)}`));
      resolve(o);
    });
  });
}

