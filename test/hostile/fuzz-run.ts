/**
 * Runs hostile scenarios in the model in a child process (wasm-runner.ts) under a hang watch: a child silent for
 * `limitMs` after a program started is a hang, and it is killed (a hang of the wasm cannot stall the caller).
 * test/hostile/fuzz-wasm.test.ts, test/hostile/fuzz-schema.test.ts and bench/fuzz.ts share it.
 *
 *   parent ──spawn── wasm-runner.ts MODE ...      one JSON line per event, on stdout:
 *     │  timer re-armed by every line              {"total"} {"start": i, "program"} {"i", "status" | "trap" | ...}
 *     └─ no line for limitMs (90 s before the first: tsx, the fuzz's files): hang = the program started last
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** A line of wasm-runner.ts. */
export interface RunnerLine {
  total?: number;
  start?: number;
  program?: unknown;
  i?: number;
  status?: string;
  intact?: boolean;
  stopped?: string;
  crash?: string;
  trap?: string;
  refused?: boolean;
  scenario?: unknown;
  done?: boolean;
}

/** How a watched run ended: the program that hung (the child was killed), and how long it all took. */
export interface Watched { hang?: { i: number; program?: unknown }; ms: number }

/**
 * Runs `wasm-runner.ts ...args` (or another `script` speaking its lines), handing each line to `onLine`; a program
 * silent for `limitMs` is a hang: the child is killed and the outcome names the program started last.
 */
export function watchRunner(args: string[], onLine: (line: RunnerLine) => void, limitMs = 15_000, script = root + "test/hostile/wasm-runner.ts"): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const o: Watched = { ms: 0 };
    let buf = "", err = "", current = -1, currentProgram: unknown, timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { o.hang = { i: current, program: currentProgram }; child.kill("SIGKILL"); }, current < 0 ? 90_000 : limitMs);
    };
    arm();
    child.stderr.on("data", (b: Buffer) => (err += b));
    child.stdout.on("data", (b: Buffer) => {
      buf += b;
      let k;
      while ((k = buf.indexOf("\n")) >= 0) {
        const line = JSON.parse(buf.slice(0, k)) as RunnerLine;
        buf = buf.slice(k + 1);
        arm();
        if (line.start !== undefined) { current = line.start; currentProgram = line.program; }
        onLine(line);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      o.ms = Date.now() - t0;
      if (!o.hang && code !== 0) return reject(new Error(`the runner failed (${code}): ${err.slice(0, 2000)}`));
      resolve(o);
    });
  });
}

/** One schema scenario's outcome: refused, a crash, a trap, or the status it ran to. */
export type FuzzLine = Required<Pick<RunnerLine, "i">> & Pick<RunnerLine, "status" | "intact" | "stopped" | "crash" | "trap" | "refused" | "scenario">;
export interface FuzzOutcome { lines: FuzzLine[]; hang?: number; ms: number }

/** Runs `n` schema scenarios of `seed` (schema-arb.ts) under the hang watch. */
export async function runSchemaFuzz(seed: number, n: number, limitMs = 15_000): Promise<FuzzOutcome> {
  const lines: FuzzLine[] = [];
  const w = await watchRunner(["schema", String(seed), String(n)], (l) => { if (l.start === undefined && l.i !== undefined) lines.push(l as FuzzLine); }, limitMs);
  return { lines, ms: w.ms, ...(w.hang ? { hang: w.hang.i } : {}) };
}
