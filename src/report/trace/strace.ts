/**
 * strace(1)'s notation for the calls of a run: `sendfile(5, 3, NULL, 1048576) = 1048576`, flags by name, errors as
 * `= -1 EINVAL (Invalid argument)`, signals as `--- SIGBUS {si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x...} ---`.
 * The syscall names are the kernel's, as strace prints them for glibc's wrappers on x86_64 (open -> openat,
 * pipe -> pipe2, send -> sendto, posix_fadvise -> fadvise64). Options: `tt` prefixes the time since the phase's start in
 * strace -tt's form (HH:MM:SS.ffffff), `T` appends the call's duration as strace -T does (`<0.000012>`).
 * `parseStraceLine` reads a line back (the tests do, and anyone who wants to diff two runs).
 */
import { CALLS, Flags, Tag, type CallName } from "../../scenario/abi.js";
import type { ArgSpec } from "../../scenario/calls.js";
import { ERRNO_BY_VALUE, type CallRecord } from "./calls.js";

/** strerror() texts of the errnos the engines record. */
export const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted", ENOENT: "No such file or directory", EINTR: "Interrupted system call",
  EIO: "Input/output error", EBADF: "Bad file descriptor", EAGAIN: "Resource temporarily unavailable",
  ENOMEM: "Cannot allocate memory", EACCES: "Permission denied", EFAULT: "Bad address", EBUSY: "Device or resource busy",
  EEXIST: "File exists", EXDEV: "Invalid cross-device link", ENODEV: "No such device", EISDIR: "Is a directory",
  EINVAL: "Invalid argument", ENFILE: "Too many open files in system", EMFILE: "Too many open files", EFBIG: "File too large",
  ENOSPC: "No space left on device", ESPIPE: "Illegal seek", EPIPE: "Broken pipe", ERANGE: "Numerical result out of range",
  ENOSYS: "Function not implemented", EOVERFLOW: "Value too large for defined data type", ENOTSOCK: "Socket operation on non-socket",
  EOPNOTSUPP: "Operation not supported", ECONNRESET: "Connection reset by peer", ENOTCONN: "Transport endpoint is not connected",
  ETIMEDOUT: "Connection timed out", ENOPROTOOPT: "Protocol not available",
};

export interface StraceOptions {
  /** prefix each line with the time since the phase's start, as strace -tt prints a wall-clock time */
  tt?: boolean;
  /** append each call's duration, as strace -T does */
  T?: boolean;
  /** a `pid ` prefix, as strace -f prints it */
  pid?: number;
}

const F = Flags as Record<string, number>;
const pick = (prefix: string[]) => Object.entries(F).filter(([k]) => prefix.some((p) => k.startsWith(p)));
const OPEN_FLAGS = pick(["O_"]).filter(([k]) => !["O_RDONLY", "O_WRONLY", "O_RDWR"].includes(k));
const PROT = pick(["PROT_"]).filter(([k]) => k !== "PROT_NONE");
const MAP = pick(["MAP_"]).filter(([k]) => k !== "MAP_SHARED" && k !== "MAP_PRIVATE");
const SPLICE = pick(["SPLICE_F_"]);
const MSG = pick(["MSG_"]);
const byValue = (prefix: string) => Object.fromEntries(pick([prefix]).map(([k, v]) => [v, k])) as Record<number, string>;
const FCNTL = byValue("F_");
const MADV = byValue("MADV_");
const FADV = byValue("POSIX_FADV_");
const SEEK = byValue("SEEK_");
const SOL: Record<number, string> = { [Flags.SOL_SOCKET]: "SOL_SOCKET" };
const SO = Object.fromEntries(pick(["SO_"]).map(([k, v]) => [v, k])) as Record<number, string>;

/** OR'ed flags by name, the rest in hex, 0 when none (strace's way). */
function bits(v: number, table: [string, number][], first?: string): string {
  const parts: string[] = first ? [first] : [];
  let rest = v;
  for (const [k, b] of table) if (b && (rest & b) === b) { parts.push(k); rest &= ~b; }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.length ? parts.join("|") : "0";
}

const num = (v: number | undefined) => (v === undefined ? "?" : String(v));
const ptr = (v: number | undefined) => (v === undefined ? "?" : v === 0 ? "NULL" : `0x${v.toString(16)}`);
const named = (t: Record<number, string>, v: number | undefined) => (v === undefined ? "?" : t[v] ?? String(v));

function offArg(r: CallRecord, i: number): string {
  if (r.tags[i] === Tag.NULL || (r.tags[i] === Tag.IMM && r.args[i] === 0)) return "NULL";
  if (r.tags[i] === Tag.REF) {
    const v = r.args[i];
    return v === undefined ? "[?]" : r.ret > 0 ? `[${v} => ${v + r.ret}]` : `[${v}]`;
  }
  return ptr(r.args[i]);
}

/** One argument as strace shows it, from its kind in the call table (calls.ts): descriptors and counts as numbers,
 *  addresses in hex, offset pointers as [offset => new offset], flags OR'ed by name, a constant by its name. */
function straceArg(r: CallRecord, i: number, spec: ArgSpec): string {
  const v = r.args[i];
  switch (spec.kind) {
    case "buf": case "addr": return ptr(v);
    case "loff": return offArg(r, i);
    case "flags": return spec.family?.length ? bits(v ?? 0, pick([...spec.family])) : num(v);
    case "const": return spec.family?.length ? named(byValue(spec.family[0]), v) : num(v);
    default: return num(v);
  }
}

/** The syscall's name as strace prints it, and its arguments: the calls whose strace form is not their argument list
 *  as the table gives it (a path at AT_FDCWD, an access mode, a result array, an iovec, glibc's extra arguments) are
 *  spelled out here; the others follow their arguments' kinds. */
export function straceCall(r: CallRecord): { name: string; args: string[] } {
  const a = r.args;
  const name = straceName(r.name);
  switch (r.name) {
    case "open": {
      const fl = a[1] ?? 0;
      const acc = ["O_RDONLY", "O_WRONLY", "O_RDWR"][fl & 3] ?? "O_RDONLY";
      const args = ["AT_FDCWD", JSON.stringify(r.path ?? "?"), bits(fl & ~3, OPEN_FLAGS, acc)];
      if (fl & Flags.O_CREAT) args.push(`0${(a[2] ?? 0).toString(8)}`);
      return { name, args };
    }
    case "mmap": {
      const fl = a[3] ?? 0;
      const kind = fl & Flags.MAP_SHARED ? "MAP_SHARED" : fl & Flags.MAP_PRIVATE ? "MAP_PRIVATE" : undefined;
      const fd = fl & Flags.MAP_ANONYMOUS ? "-1" : num(a[4]);
      return { name, args: [ptr(a[0]), num(a[1]), a[2] === 0 ? "PROT_NONE" : bits(a[2] ?? 0, PROT), bits(fl & ~3, MAP, kind), fd, `0x${(a[5] ?? 0).toString(16)}`.replace(/^0x0$/, "0")] };
    }
    case "fcntl": {
      const cmd = named(FCNTL, a[1]);
      return { name, args: cmd === "F_GETFL" || cmd === "F_GETPIPE_SZ" ? [num(a[0]), cmd] : [num(a[0]), cmd, cmd === "F_SETFL" ? bits(a[2] ?? 0, OPEN_FLAGS) : num(a[2])] };
    }
    case "pipe": return { name, args: [r.fds ? `[${r.fds[0]}, ${r.fds[1]}]` : "?", "0"] }; // glibc's pipe()
    case "pipe2": return { name, args: [r.fds ? `[${r.fds[0]}, ${r.fds[1]}]` : "?", bits(a[0] ?? 0, OPEN_FLAGS)] };
    case "vmsplice": {
      const iov = r.iov ?? [];
      const list = `[${iov.map((v) => `{iov_base=${ptr(v.base)}, iov_len=${num(v.len)}}`).join(", ")}]`;
      return { name, args: [num(a[0]), list, String(iov.length), bits(a[2] ?? 0, SPLICE)] };
    }
    case "setsockopt": return { name, args: [num(a[0]), named(SOL, a[1]), named(SO, a[2]), `[${num(a[3])}]`, "4"] };
    case "send": return { name, args: [num(a[0]), ptr(a[1]), num(a[2]), bits(a[3] ?? 0, MSG), "NULL", "0"] };
    case "recv_errqueue": return { name, args: [num(a[0]), "{msg_name=NULL, msg_namelen=0, msg_iov=NULL, msg_iovlen=0, msg_control=[{cmsg_len=48, cmsg_level=SOL_IP, cmsg_type=IP_RECVERR}], msg_controllen=48, msg_flags=MSG_ERRQUEUE}", "MSG_ERRQUEUE"] };
    case "poll": return { name, args: a.map(num) }; // one descriptor: written as the program gives it, not as a pollfd array
    default: {
      const spec = CALLS[r.name];
      if (!spec || !spec.syscall) return { name, args: a.map(num) }; // the program's own actions: strace never sees them
      return { name, args: Object.values(spec.args).map((s: ArgSpec, i) => straceArg(r, i, s)) };
    }
  }
}

/** strace -tt's clock, counted from the phase's start: HH:MM:SS.ffffff. */
function clock(ns: number): string {
  const us = Math.floor(ns / 1000);
  const s = Math.floor(us / 1e6);
  const p2 = (x: number) => String(x).padStart(2, "0");
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}.${String(us % 1e6).padStart(6, "0")}`;
}

/** One call as strace prints it (no newline); a signal the call raised comes on a line of its own first. */
export function straceLines(r: CallRecord, opts: StraceOptions = {}): string[] {
  const pre = `${opts.pid !== undefined ? `${opts.pid} ` : ""}${opts.tt ? `${clock(r.t0)} ` : ""}`;
  const lines: string[] = [];
  if (r.signal) {
    lines.push(`${pre}--- ${r.signal.signal} {si_signo=${r.signal.signal}, si_code=${r.signal.code}${r.signal.addr ? `, si_addr=${r.signal.addr}` : ""}} ---`);
  }
  if (!r.syscall) return lines;
  const { name, args } = straceCall(r);
  let ret: string;
  if (r.ret < 0 || r.errno > 0) {
    const en = ERRNO_BY_VALUE[r.errno] ?? `E${r.errno}`;
    ret = `-1 ${en} (${STRERROR[en] ?? "Unknown error"})`;
  } else if (r.name === "mmap") ret = `0x${r.ret.toString(16)}`;
  else ret = String(r.ret);
  const dur = opts.T ? ` <${((r.t1 - r.t0) / 1e9).toFixed(6)}>` : "";
  lines.push(`${pre}${name}(${args.join(", ")}) = ${ret}${dur}`);
  return lines;
}

/** The whole run, one call a line. */
export function formatStrace(calls: CallRecord[], opts: StraceOptions = {}): string {
  const out: string[] = [];
  for (const r of calls) out.push(...straceLines(r, opts));
  return out.length ? out.join("\n") + "\n" : "";
}

export interface ParsedStraceLine {
  pid?: number;
  /** seconds since the phase's start (-tt) */
  time?: number;
  name: string;
  args: string[];
  ret: number;
  errno?: string;
  /** seconds (-T) */
  duration?: number;
  /** a signal line: its name and fields */
  signal?: { signal: string; fields: Record<string, string> };
}

/** Splits an argument list at its top-level commas (brackets, braces and quotes nest). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "", q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) { cur += ch; if (ch === "\\") cur += s[++i] ?? ""; else if (ch === '"') q = false; continue; }
    if (ch === '"') { q = true; cur += ch; continue; }
    if (ch === "[" || ch === "{" || ch === "(") depth++;
    if (ch === "]" || ch === "}" || ch === ")") depth--;
    if (ch === "," && depth === 0) { out.push(cur.trim()); cur = ""; continue; }
    cur += ch;
  }
  if (cur.trim() !== "" || out.length) out.push(cur.trim());
  return out;
}

const LINE = /^(?:(\d+) )?(?:(\d\d):(\d\d):(\d\d)\.(\d{6}) )?(?:--- (\w+) \{(.*)\} ---|(\w+)\((.*)\)\s+= (-?\d+|0x[0-9a-f]+)(?: (E[A-Z]+) \(([^)]*)\))?(?: <(\d+\.\d+)>)?)$/;

/** Reads one line of strace output back; null when it is not one. */
export function parseStraceLine(line: string): ParsedStraceLine | null {
  const m = LINE.exec(line.trim());
  if (!m) return null;
  const pid = m[1] ? Number(m[1]) : undefined;
  const time = m[2] ? Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) + Number(m[5]) / 1e6 : undefined;
  if (m[6]) {
    const fields: Record<string, string> = {};
    for (const f of splitArgs(m[7])) { const [k, ...v] = f.split("="); fields[k] = v.join("="); }
    return { pid, time, name: "---", args: [], ret: 0, signal: { signal: m[6], fields } };
  }
  const ret = m[10].startsWith("0x") ? Number.parseInt(m[10], 16) : Number(m[10]);
  const p: ParsedStraceLine = { pid, time, name: m[8], args: splitArgs(m[9]), ret };
  if (m[11]) p.errno = m[11];
  if (m[13]) p.duration = Number(m[13]);
  return p;
}

/** The calls' names strace shows for the scenario format's names, where they differ (calls.ts `strace`). */
export const STRACE_NAME: Partial<Record<CallName, string>> = Object.fromEntries(
  Object.entries(CALLS).flatMap(([k, c]) => ("strace" in c ? [[k, c.strace]] : [])),
);
/** The name strace prints for a call. */
export function straceName(call: CallName): string { return STRACE_NAME[call] ?? call; }
