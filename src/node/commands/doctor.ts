/**
 * `zcsim doctor [--json]`: what this machine lets the native host do, each item with how to enable it. Reads the
 * machine (sysctls, tracefs, the compiler, a namespace tried with unshare(1)); changes nothing. Exit 0 whatever it
 * finds: the model runs everywhere, and each missing item only empties part of the kernel column.
 *
 *   C compiler        the host is C, built at install (scripts/build-native.mjs)
 *   native host       built, or the reason the install recorded (native-host/build/why)
 *   perf counters     perf_event_open software counters: perf_event_paranoid <= 2 (or root)
 *   tracepoints       tracefs and perf tracepoints: root, or perf_event_paranoid <= -1
 *   namespaces        the host's own network namespace (a user namespace too when not root)
 *   congestion        the TCP congestion controls the kernel has (tcpCongestion: cubic, reno, bbr)
 *   chromium          the browser tests' Chromium (a clone of the repository only)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { TCP_CONGESTION_NAMES } from "../../scenario/machine-params.js";
import { nativeAvailable, nativeBinary } from "../native.js";

export interface Check {
  /** what is checked, in a word or two */
  item: string;
  ok: boolean;
  /** what was found */
  found: string;
  /** how to enable it, when it is not */
  enable?: string;
}

const read = (path: string): string | undefined => {
  try { return readFileSync(path, "utf8").trim(); } catch { return undefined; }
};
const firstLine = (s: string | null | undefined) => (s ?? "").split("\n").map((l) => l.trim()).find(Boolean) ?? "";
const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Whether this is a clone of the repository (npm scripts) or an installed package (npm rebuild). */
function rebuildCommand(): string {
  const root = join(dirname(nativeBinary()), "../..");
  return existsSync(join(root, "tsconfig.json")) ? "npm run build:native" : "npm rebuild zerocopy-sim";
}

function compilerCheck(): Check {
  const cc = process.env.CC || "cc";
  const r = spawnSync(cc, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    return { item: "C compiler", ok: false, found: `${cc}: ${r.error ? (r.error as NodeJS.ErrnoException).code : `exit status ${r.status}`}`,
      enable: `install one (Debian/Ubuntu: apt-get install gcc libc6-dev; Fedora: dnf install gcc), then ${rebuildCommand()}` };
  }
  return { item: "C compiler", ok: true, found: `${cc}: ${firstLine(r.stdout)}` };
}

function hostCheck(): Check {
  if (process.platform !== "linux") return { item: "native host", ok: false, found: `needs Linux (this is ${process.platform})`, enable: "run it on Linux (a VM or a container will do)" };
  const a = nativeAvailable();
  if (a.ok) return { item: "native host", ok: true, found: `built: ${nativeBinary()}` };
  return { item: "native host", ok: false, found: (a.why ?? "").replace(/ \(npx zcsim doctor[^)]*\)$/, ""), enable: `fix what the line says, then ${rebuildCommand()}` };
}

function perfChecks(): Check[] {
  const paranoid = read("/proc/sys/kernel/perf_event_paranoid");
  const p = paranoid === undefined ? undefined : Number(paranoid);
  const root = isRoot();
  const sysctl = (v: number) => `sudo sysctl -w kernel.perf_event_paranoid=${v} (or run as root)`;
  const counters: Check = p === undefined
    ? { item: "perf counters", ok: false, found: "no /proc/sys/kernel/perf_event_paranoid: this kernel has no perf events", enable: "a kernel built with CONFIG_PERF_EVENTS" }
    : root || p <= 2
      ? { item: "perf counters", ok: true, found: `perf_event_paranoid=${p}${root ? ", root" : ""}: the software counters (task-clock, faults, context switches)` }
      : { item: "perf counters", ok: false, found: `perf_event_paranoid=${p}: perf_event_open is refused`, enable: sysctl(2) };
  const tracefs = existsSync("/sys/kernel/tracing/events") ? "/sys/kernel/tracing" : existsSync("/sys/kernel/debug/tracing/events") ? "/sys/kernel/debug/tracing" : undefined;
  let tracepoints: Check;
  if (p === undefined) tracepoints = { item: "tracepoints", ok: false, found: "no perf events", enable: "a kernel built with CONFIG_PERF_EVENTS and CONFIG_TRACEPOINTS" };
  else if (!root && p > -1) tracepoints = { item: "tracepoints", ok: false, found: `perf_event_paranoid=${p}, not root: kernel tracepoints (filemap, block, net, page faults) are reported unavailable, never as 0`, enable: sysctl(-1) };
  else if (!tracefs && !root) tracepoints = { item: "tracepoints", ok: false, found: "tracefs is not mounted", enable: "sudo mount -t tracefs nodev /sys/kernel/tracing" };
  else tracepoints = { item: "tracepoints", ok: true, found: tracefs ? `${tracefs}${root ? ", root" : `, perf_event_paranoid=${p}`}` : "tracefs not mounted: the host (root) mounts it in a mount namespace of its own" };
  return [counters, tracepoints];
}

function namespaceCheck(): Check {
  const root = isRoot();
  const args = root ? ["--net", "true"] : ["--user", "--map-root-user", "--net", "true"];
  const what = root ? "a network namespace" : "a user namespace and a network namespace in it";
  const r = spawnSync("unshare", args, { encoding: "utf8", timeout: 10_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    return { item: "namespaces", ok: false, found: `unshare(1) is missing, so ${what} could not be tried here`, enable: "apt-get install util-linux (doctor tries the namespaces with unshare)" };
  }
  if (r.status === 0) return { item: "namespaces", ok: true, found: `${what}: created (unshare ${args.slice(0, -1).join(" ")})` };
  const why = firstLine(r.stderr) || `exit status ${r.status}`;
  const hints: string[] = [];
  if (!root) {
    if (read("/proc/sys/kernel/unprivileged_userns_clone") === "0") hints.push("sudo sysctl -w kernel.unprivileged_userns_clone=1");
    if (read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === "1") hints.push("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
    if (read("/proc/sys/user/max_user_namespaces") === "0") hints.push("sudo sysctl -w user.max_user_namespaces=15000");
  }
  if (read("/proc/sys/user/max_net_namespaces") === "0") hints.push("sudo sysctl -w user.max_net_namespaces=15000");
  if (!hints.length) hints.push(root ? "a kernel with CONFIG_NET_NS, outside a container that forbids unshare (docker run --privileged or --cap-add SYS_ADMIN)" : "run as root, or allow unprivileged user namespaces");
  return { item: "namespaces", ok: false, found: `${what}: ${why}; the host then runs in the machine's own network namespace (its loopback and congestion control)`, enable: hints.join("; ") };
}

function congestionCheck(): Check {
  const avail = read("/proc/sys/net/ipv4/tcp_available_congestion_control")?.split(/\s+/) ?? [];
  const current = read("/proc/sys/net/ipv4/tcp_congestion_control");
  if (!avail.length) return { item: "congestion", ok: false, found: "cannot read net.ipv4.tcp_available_congestion_control", enable: "a Linux kernel with TCP" };
  const known = TCP_CONGESTION_NAMES.filter((n) => n !== "system");
  const missing = known.filter((n) => !avail.includes(n));
  const found = `this kernel has ${avail.join(", ")} (its default: ${current ?? "?"})`;
  if (!missing.length) return { item: "congestion", ok: true, found };
  return { item: "congestion", ok: false, found: `${found}; tcpCongestion=${missing.join("/")} cannot run here`, enable: missing.map((n) => `sudo modprobe tcp_${n}`).join("; ") };
}

function chromiumCheck(): Check {
  const path = process.env.ZCSIM_CHROMIUM ?? "/usr/bin/chromium";
  if (existsSync(path)) return { item: "chromium", ok: true, found: `${path} (the repository's browser tests)` };
  return { item: "chromium", ok: false, found: `${path} is missing: the repository's browser tests skip (under CI=true they fail)`, enable: "apt-get install chromium, or ZCSIM_CHROMIUM=/path/to/chromium" };
}

/** Every check, in the order the native host needs them. */
export function doctorChecks(): Check[] {
  return [compilerCheck(), hostCheck(), ...perfChecks(), namespaceCheck(), congestionCheck(), chromiumCheck()];
}

export function formatChecks(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.item.length));
  const lines = ["what this machine lets zerocopy-sim's native host do:"];
  for (const c of checks) {
    lines.push(`  ${c.ok ? "ok" : "no"}  ${c.item.padEnd(w)}  ${c.found}`);
    if (!c.ok && c.enable) lines.push(`      ${"".padEnd(w)}  to enable: ${c.enable}`);
  }
  return lines.join("\n") + "\n";
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("say what this machine lets the native host do (compiler, perf, tracepoints, namespaces, congestion controls, chromium) and how to enable each")
    .option("--json", "print the checks as JSON")
    .action((opts: { json?: boolean }) => {
      const checks = doctorChecks();
      process.stdout.write(opts.json ? JSON.stringify({ checks }, null, 2) + "\n" : formatChecks(checks));
    });
}
