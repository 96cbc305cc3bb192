/** Runs the CLI's main() in-process, capturing what it writes to stdout and stderr (shared by the CLI tests). */
import { vi } from "vitest";
import { main as cliMain } from "../src/node/cli.js";

export async function runCli(
  argv: string[],
  main: (argv: string[]) => Promise<number> = cliMain,
): Promise<{ code: number; out: string; err: string; ms: number }> {
  let out = "", err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  process.exitCode = undefined;
  const t = Date.now();
  try {
    const code = await main(argv);
    return { code, out, err, ms: Date.now() - t };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}
