/**
 * A tiny assembler of compiled programs (docs/program-format.md), so the native tests can build exact programs
 * without the compiler: the host is tested on the words it interprets. `classic()` builds the five classic
 * transfers the way the catalogue describes them.
 */
import { Call, Cache, Fill, Flags, HEADER_WORDS, Knob, Op, PROGRAM_MAGIC, PROGRAM_VERSION, Rpn, SinkKind, Tag } from "../../src/scenario/abi.js";

export type Operand =
  | { imm: number | bigint }
  | { reg: number }
  | { expr: Array<[number, number | bigint]> }
  | { str: number }
  | { ref: number }
  | { iov: Array<[Operand, Operand]> }
  | null;

export class Asm {
  regs: string[] = [];
  strings: string[] = [];
  files: Array<[number, number, number, number, number]> = [];
  sinks: Array<[number, number, number, number, number]> = [];
  bufs: Array<[number, number, number]> = [];
  knobs: Array<[number, number]> = [];
  code: bigint[] = [];
  pool: bigint[] = [];
  private labels = new Map<string, number>();
  private fixups: Array<[number, string]> = [];
  private steps = 0;
  private halted = false;

  reg(name = ""): number {
    const i = name ? this.regs.indexOf(name) : -1;
    if (i >= 0) return i;
    this.regs.push(name);
    return this.regs.length - 1;
  }
  str(s: string): number {
    const i = this.strings.indexOf(s);
    if (i >= 0) return i;
    this.strings.push(s);
    return this.strings.length - 1;
  }
  file(name: string, size: number, cache: "warm" | "cold" = "warm", fill: "write" | "read" | "none" = "write", chunk = 1 << 20): number {
    this.files.push([this.str(name), size, Cache[cache], Fill[fill], chunk]);
    return this.files.length - 1;
  }
  sink(name: string, kind: "tcp" | "file" | "null", expect = -1, lazy = false): number {
    const r = this.reg(name);
    this.sinks.push([this.str(name), SinkKind[kind], r, expect, lazy ? 1 : 0]);
    return r;
  }
  buf(name: string, size: number): number {
    const r = this.reg(name);
    this.bufs.push([this.str(name), size, r]);
    return r;
  }
  knob(id: number, v: number): void {
    this.knobs.push([id, v]);
  }
  label(name: string): void {
    this.labels.set(name, this.code.length);
  }
  private operand(o: Operand): [number, bigint] {
    if (o === null) return [Tag.NULL, 0n];
    if ("imm" in o) return [Tag.IMM, BigInt(o.imm)];
    if ("reg" in o) return [Tag.REG, BigInt(o.reg)];
    if ("str" in o) return [Tag.STR, BigInt(o.str)];
    if ("ref" in o) return [Tag.REF, BigInt(o.ref)];
    if ("expr" in o) {
      const off = this.pool.length;
      this.pool.push(BigInt(o.expr.length));
      for (const [op, v] of o.expr) this.pool.push(BigInt(op), BigInt(v));
      return [Tag.EXPR, BigInt(off)];
    }
    const ops = o.iov.map(([b, l]) => [...this.operand(b), ...this.operand(l)]);
    const off = this.pool.length;
    this.pool.push(BigInt(o.iov.length));
    for (const w of ops) this.pool.push(...w.map(BigInt));
    return [Tag.IOV, BigInt(off)];
  }
  call(name: keyof typeof Call, args: Operand[], ret: number[] = [], brk?: string): void {
    const c = Call[name];
    if (args.length !== c.args.length) throw new Error(`${name}: ${c.args.length} args`);
    const ops = args.map((a) => this.operand(a));
    const at = this.code.length;
    this.code.push(BigInt(Op.CALL), BigInt(c.id), BigInt(this.steps++), BigInt(args.length));
    for (let i = 0; i < 3; i++) this.code.push(BigInt(ret[i] ?? -1));
    this.code.push(0n);
    if (brk) this.fixups.push([at + 7, brk]);
    for (const [t, v] of ops) this.code.push(BigInt(t), v);
  }
  set(reg: number, o: Operand): void {
    const [t, v] = this.operand(o);
    this.code.push(BigInt(Op.SET), BigInt(reg), BigInt(t), v);
  }
  jz(o: Operand, target: string): void {
    const [t, v] = this.operand(o);
    this.code.push(BigInt(Op.JZ), BigInt(t), v, 0n);
    this.fixups.push([this.code.length - 1, target]);
  }
  jump(target: string): void {
    this.code.push(BigInt(Op.JUMP), 0n);
    this.fixups.push([this.code.length - 1, target]);
  }
  halt(): void {
    this.code.push(BigInt(Op.HALT));
    this.halted = true;
  }
  build(): BigInt64Array {
    if (!this.halted) this.halt();
    for (const [at, l] of this.fixups) {
      const t = this.labels.get(l);
      if (t === undefined) throw new Error(`label ${l}`);
      this.code[at] = BigInt(t);
    }
    const w: bigint[] = [BigInt(PROGRAM_MAGIC), BigInt(PROGRAM_VERSION), BigInt(this.regs.length), BigInt(this.knobs.length),
      BigInt(this.strings.length), BigInt(this.files.length), BigInt(this.sinks.length), BigInt(this.bufs.length),
      BigInt(this.code.length), BigInt(this.pool.length)];
    if (w.length !== HEADER_WORDS) throw new Error("header");
    for (const [k, v] of this.knobs) w.push(BigInt(k), BigInt(v));
    for (const s of this.strings) {
      const b = Buffer.from(s, "latin1");
      w.push(BigInt(b.length));
      const padded = Buffer.alloc(Math.ceil(b.length / 8) * 8);
      b.copy(padded);
      for (let i = 0; i < padded.length; i += 8) w.push(padded.readBigInt64LE(i));
    }
    for (const f of this.files) w.push(...f.map(BigInt));
    for (const s of this.sinks) w.push(...s.map(BigInt));
    for (const b of this.bufs) w.push(...b.map(BigInt));
    w.push(...this.code, ...this.pool);
    return BigInt64Array.from(w);
  }
}

export const imm = (v: number | bigint): Operand => ({ imm: v });
export const reg = (r: number): Operand => ({ reg: r });
export const str = (s: number): Operand => ({ str: s });

export type Classic = "read-write" | "mmap-write" | "sendfile" | "splice" | "tee";
export interface ClassicOpts {
  fileSize: number;
  chunk?: number;
  sink?: "tcp" | "file" | "null";
  cache?: "warm" | "cold";
  fill?: "write" | "read";
  pipeSize?: number;
  lazy?: boolean;
}

/** The five classic transfers, as the catalogue writes them (one source file, one sink). */
export function classic(name: Classic, o: ClassicOpts): BigInt64Array {
  const a = new Asm();
  const chunk = o.chunk ?? 64 * 1024;
  const src = a.file("src", o.fileSize, o.cache ?? "warm", o.fill ?? "write", chunk);
  const out = a.sink("out", o.sink ?? "tcp", src, o.lazy ?? false);
  const fin = a.reg("in");
  const n = a.reg("n");
  a.call("open", [str(a.str("src")), imm(Flags.O_RDONLY), imm(0)], [fin]);
  switch (name) {
    case "read-write": {
      const buf = a.buf("buf", chunk);
      a.label("loop");
      a.call("read", [reg(fin), reg(buf), imm(chunk)], [n], "end");
      a.call("write", [reg(out), reg(buf), reg(n)], []);
      a.jump("loop");
      a.label("end");
      break;
    }
    case "mmap-write": {
      const m = a.reg("m");
      a.call("mmap", [imm(0), imm(o.fileSize), imm(Flags.PROT_READ), imm(Flags.MAP_SHARED), reg(fin), imm(0)], [m]);
      a.call("write", [reg(out), reg(m), imm(o.fileSize)], []);
      a.call("munmap", [reg(m), imm(o.fileSize)], []);
      break;
    }
    case "sendfile": {
      a.label("loop");
      a.call("sendfile", [reg(out), reg(fin), null, imm(chunk)], [n], "end");
      a.jump("loop");
      a.label("end");
      break;
    }
    case "splice": {
      const pr = a.reg("pr"), pw = a.reg("pw");
      a.call("pipe", [], [pr, pw]);
      if (o.pipeSize) a.call("fcntl", [reg(pw), imm(Flags.F_SETPIPE_SZ), imm(o.pipeSize)], []);
      a.label("loop");
      a.call("splice", [reg(fin), null, reg(pw), null, imm(chunk), imm(0)], [n], "end");
      a.call("splice", [reg(pr), null, reg(out), null, reg(n), imm(0)], []);
      a.jump("loop");
      a.label("end");
      break;
    }
    case "tee": {
      const pr = a.reg("pr"), pw = a.reg("pw"), qr = a.reg("qr"), qw = a.reg("qw");
      const dev = a.sink("copy", "null");
      a.call("pipe", [], [pr, pw]);
      a.call("pipe", [], [qr, qw]);
      a.label("loop");
      a.call("splice", [reg(fin), null, reg(pw), null, imm(chunk), imm(0)], [n], "end");
      a.call("tee", [reg(pr), reg(qw), reg(n), imm(0)], []);
      a.call("splice", [reg(pr), null, reg(out), null, reg(n), imm(0)], []);
      a.call("splice", [reg(qr), null, reg(dev), null, reg(n), imm(0)], []);
      a.jump("loop");
      a.label("end");
      break;
    }
  }
  a.call("close", [reg(fin)], []);
  a.halt();
  return a.build();
}

export { Knob, Rpn };
