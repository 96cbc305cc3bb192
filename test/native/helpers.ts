/**
 * What the native tests need: whether they can run here (and why not), the host built, tracefs mounted, and
 * independent witnesses: strace -f and perf record, cut to the transfer phase by the host's marker syscalls
 * (lseek(-1, 0x5a43000b) ... lseek(-1, 0x5a43000e), made only when asked with --mark).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeAvailable, nativeBinary } from "../../src/node/native.js";

export const MARK_BEGIN = 0x5a43000b;
export const MARK_END = 0x5a43000e;

export const isLinux = process.platform === "linux";
export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
export const hasTool = (t: string): boolean => spawnSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" }).status === 0;

/** The witness works here, not only exists (ptrace may be forbidden; perf may not match the kernel). */
const works = new Map<string, boolean>();
export function witnessWorks(tool: "strace" | "perf"): boolean {
  if (!works.has(tool)) works.set(tool, probe(tool));
  return works.get(tool)!;
}
function probe(tool: "strace" | "perf"): boolean {
  if (!hasTool(tool)) return false;
  if (tool === "perf") ensureTracefs();
  const args = tool === "strace" ? ["-f", "-o", "/dev/null", "true"] : ["stat", "-x,", "-e", "exceptions:page_fault_user", "true"];
  return spawnSync(tool, args, { stdio: "ignore", timeout: 30_000 }).status === 0;
}

let userns: { ok: boolean; why?: string } | undefined;
/** Whether an unprivileged user may make a user and network namespace here (probed as nobody when root): the host
 *  then runs in namespaces of its own, with its own congestion control and a tmpfs of its own. */
export function userNamespaces(): { ok: boolean; why?: string } {
  if (userns) return userns;
  if (!hasTool("unshare")) return (userns = { ok: false, why: "no unshare(1) to probe user namespaces" });
  if (isRoot && !hasTool("setpriv")) return (userns = { ok: false, why: "no setpriv(1) to probe as nobody" });
  const cmd = isRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "unshare", "-Urn", "true"] : ["unshare", "-Urn", "true"];
  const ok = spawnSync(cmd[0], cmd.slice(1), { stdio: "ignore", timeout: 10_000 }).status === 0;
  return (userns = ok ? { ok } : { ok, why: "unprivileged user namespaces are not permitted on this machine" });
}

let built: { ok: boolean; why?: string } | undefined;
/** Builds the host if it is missing (a clone where `npm run build:native` has not run); says why it cannot run. */
export function nativeReady(): { ok: boolean; why?: string } {
  if (built) return built;
  if (!isLinux) return (built = { ok: false, why: "not Linux" });
  if ((!existsSync(nativeBinary()) || stale()) && hasTool("cc")) {
    spawnSync(process.execPath, [join(import.meta.dirname, "../../scripts/build-native.mjs")], { stdio: "ignore" });
  }
  built = nativeAvailable();
  // CI has everything, so it runs everything: a CI run where the kernel side cannot run must fail, not skip
  if (!built.ok && process.env.CI) throw new Error(`CI must run the kernel side, and it cannot run here: ${built.why}`);
  if (built.ok && isRoot) ensureTracefs();
  return built;
}

/** The binary is older than a source file (a checkout after the last build). */
function stale(): boolean {
  const src = join(import.meta.dirname, "../../native-host");
  const built = statSync(nativeBinary()).mtimeMs;
  return readdirSync(src).some((f) => /\.(c|h)$/.test(f) && statSync(join(src, f)).mtimeMs > built);
}

/** perf mounts tracefs itself when it needs it; the host only reads it. Mount it for the tests if it is missing. */
export function ensureTracefs(): void {
  if (existsSync("/sys/kernel/tracing/events")) return;
  spawnSync("mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"], { stdio: "ignore" });
}

export function scratch(prefix = "zcsim-test-"): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** strace -f output -> the host's syscalls between its markers, by name. */
export function straceCounts(file: string): { pid: number; byName: Record<string, number>; total: number } {
  const lines = readFileSync(file, "utf8").split("\n");
  let pid = -1;
  let inside = false;
  const byName: Record<string, number> = {};
  let total = 0;
  for (const line of lines) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const p = Number(m[1]);
    const rest = m[2];
    if (rest.startsWith(`lseek(-1, ${MARK_BEGIN},`)) { pid = p; inside = true; continue; }
    if (p === pid && rest.startsWith(`lseek(-1, ${MARK_END},`)) { inside = false; break; }
    if (!inside || p !== pid) continue;
    if (rest.startsWith("<...") || rest.startsWith("---") || rest.startsWith("+++")) continue;
    const c = /^([a-z_0-9]+)\(/.exec(rest);
    if (!c) continue;
    byName[c[1]] = (byName[c[1]] ?? 0) + 1;
    total++;
  }
  if (pid < 0) throw new Error("no begin marker in the strace output");
  return { pid, byName, total };
}

/** The host's call names -> the syscalls strace shows for them (glibc on x86_64). */
export const STRACE_NAME: Record<string, string> = {
  open: "openat", pipe: "pipe2", send: "sendto", recv_errqueue: "recvmsg", posix_fadvise: "fadvise64",
};

/** perf record -> perf script: tracepoint events of the host's pid between its markers. */
export function perfCounts(dataFile: string): { pid: number; counts: Record<string, number> } {
  const text = execFileSync("perf", ["script", "-i", dataFile, "-F", "pid,event,trace"], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] });
  let pid = -1;
  let inside = false;
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+([\w:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const p = Number(m[1]), ev = m[2], trace = m[3];
    if (ev === "syscalls:sys_enter_lseek") {
      const off = /offset: 0x([0-9a-f]+)/.exec(trace);
      const v = off ? parseInt(off[1], 16) : -1;
      if (v === MARK_BEGIN) { pid = p; inside = true; continue; }
      if (v === MARK_END && p === pid) { inside = false; break; }
      continue;
    }
    if (inside && p === pid) counts[ev] = (counts[ev] ?? 0) + 1;
  }
  if (pid < 0) throw new Error("no begin marker in the perf data");
  return { pid, counts };
}
