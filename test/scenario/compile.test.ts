import { describe, expect, it } from "vitest";
import { Call, Cache, Fill, HEADER_WORDS, Knob, Op, PROGRAM_MAGIC, SinkKind, Tag } from "../../src/scenario/abi.js";
import { compile, compileByName, ScenarioError, scenarioNames, parseSets } from "../../src/scenario/index.js";

/** A minimal decoder of the program format, written from docs/program-format.md (not from the compiler). */
function decode(p: BigInt64Array) {
  const w = Array.from(p, Number);
  const [magic, version, nregs, nknobs, nstrings, nfiles, nsinks, nbufs, ncode, npool] = w;
  let i = HEADER_WORDS;
  const knobs: Record<number, number> = {};
  for (let k = 0; k < nknobs; k++, i += 2) knobs[w[i]] = w[i + 1];
  const strings: string[] = [];
  for (let s = 0; s < nstrings; s++) {
    const len = w[i++];
    const bytes: number[] = [];
    for (let b = 0; b < len; b++) bytes.push(Number((p[i + (b >> 3)] >> BigInt(8 * (b & 7))) & 0xffn));
    strings.push(String.fromCharCode(...bytes));
    i += Math.ceil(len / 8);
  }
  const files = [], sinks = [], bufs = [];
  for (let f = 0; f < nfiles; f++, i += 5) files.push({ name: strings[w[i]], size: w[i + 1], cache: w[i + 2], fill: w[i + 3], chunk: w[i + 4] });
  for (let s = 0; s < nsinks; s++, i += 5) sinks.push({ name: strings[w[i]], kind: w[i + 1], reg: w[i + 2], expect: w[i + 3], lazy: w[i + 4] });
  for (let b = 0; b < nbufs; b++, i += 3) bufs.push({ name: strings[w[i]], size: w[i + 1], reg: w[i + 2] });
  const code = w.slice(i, i + ncode);
  const pool = p.slice(i + ncode, i + ncode + npool);
  expect(i + ncode + npool).toBe(w.length);
  return { magic, version, nregs, knobs, strings, files, sinks, bufs, code, pool };
}

/**
 * A reference interpreter of the control flow, with a fake call that returns what `calls` says: it lets the test
 * count how many calls a program makes, independently of both engines.
 */
function simulate(p: BigInt64Array, ret: (call: number, args: bigint[], n: number) => bigint, limit = 100000) {
  const d = decode(p);
  const regs = new Array<bigint>(d.nregs).fill(0n);
  const evalExpr = (off: number): bigint => {
    const n = Number(d.pool[off]);
    const st: bigint[] = [];
    for (let k = 0; k < n; k++) {
      const op = Number(d.pool[off + 1 + 2 * k]), v = d.pool[off + 2 + 2 * k];
      if (op === 0) st.push(v);
      else if (op === 1) st.push(regs[Number(v)]);
      else {
        const b = st.pop()!, a = st.pop()!;
        st.push([0n, 0n, a + b, a - b, a * b, b ? a / b : 0n, a < b ? a : b, a > b ? a : b, a < b ? 1n : 0n, a <= b ? 1n : 0n, a > b ? 1n : 0n, a >= b ? 1n : 0n, a === b ? 1n : 0n, a !== b ? 1n : 0n, b ? a % b : 0n][op]);
      }
    }
    return st[0];
  };
  const operand = (tag: number, v: number): bigint => (tag === Tag.IMM ? BigInt(v) : tag === Tag.REG || tag === Tag.REF ? regs[v] : tag === Tag.EXPR ? evalExpr(v) : 0n);
  const log: { call: number; args: bigint[] }[] = [];
  let pc = 0;
  for (let steps = 0; steps < limit; steps++) {
    const c = d.code;
    switch (c[pc]) {
      case Op.HALT: return { log, regs };
      case Op.JUMP: pc = c[pc + 1]; break;
      case Op.JZ: pc = operand(c[pc + 1], c[pc + 2]) === 0n ? c[pc + 3] : pc + 4; break;
      case Op.SET: regs[c[pc + 1]] = operand(c[pc + 2], c[pc + 3]); pc += 4; break;
      case Op.CALL: {
        const [, call, , nargs, r0, r1, , brk] = c.slice(pc, pc + 8);
        const args = [];
        for (let a = 0; a < nargs; a++) args.push(operand(c[pc + 8 + 2 * a], c[pc + 9 + 2 * a]));
        const r = ret(call, args, log.length);
        log.push({ call, args });
        if (r0 >= 0) regs[r0] = r;
        if (r1 >= 0) regs[r1] = r + 1n;
        pc = brk && r <= 0n ? brk : pc + 8 + 2 * nargs;
        break;
      }
      default: throw new Error(`bad opcode ${c[pc]} at ${pc}`);
    }
  }
  throw new Error("did not halt");
}

describe("the compiled program", () => {
  it("has the header, the setup sections and the knobs of the format", () => {
    const c = compileByName("splice", { fileSize: "2MiB", cache: "cold", nicSg: "off" });
    const d = decode(c.program);
    expect(d.magic).toBe(PROGRAM_MAGIC);
    expect(d.files).toEqual([{ name: "src", size: 2 * 1024 * 1024, cache: Cache.cold, fill: Fill.write, chunk: 1 << 20 }]);
    expect(d.sinks).toEqual([{ name: "out", kind: SinkKind.tcp, reg: c.sinks[0].reg, expect: 0, lazy: 0 }]);
    expect(d.knobs[Knob.NIC_SG]).toBe(0);
    expect(d.knobs[Knob.NIC_CSUM]).toBe(1);
    expect(c.payloadBytes).toBe(2 * 1024 * 1024);
  });

  it("names the sink connection's congestion control by its index (0 the system's default), cubic unless set", () => {
    expect(decode(compileByName("sendfile").program).knobs[Knob.TCP_CONGESTION]).toBe(2);
    const names = ["system", "reno", "cubic", "bbr"];
    for (const [i, name] of names.entries()) expect(decode(compileByName("sendfile", { tcpCongestion: name }).program).knobs[Knob.TCP_CONGESTION]).toBe(i);
  });

  it("ORs flag names into their Linux values and honours `if $param`", () => {
    const on = decode(compileByName("mmap-write", { populate: "on" }).program);
    const off = decode(compileByName("mmap-write").program);
    const mmapFlags = (d: ReturnType<typeof decode>) => {
      const at = d.code.findIndex((w, i) => w === Op.CALL && d.code[i + 1] === Call.mmap.id);
      return d.code[at + 8 + 2 * 3 + 1]; // 4th argument (flags): tag, value
    };
    expect(mmapFlags(on)).toBe(0x01 | 0x8000);
    expect(mmapFlags(off)).toBe(0x01);
  });

  it("read-write loops until read() returns 0: ceil(size/chunk) reads + 1, as many writes", () => {
    for (const [size, chunk] of [[65536, 4096], [1 << 20, 65536], [100000, 4096]]) {
      const c = compileByName("read-write", { fileSize: String(size), chunk: String(chunk) });
      let left = size;
      const { log } = simulate(c.program, (call, args) => {
        if (call !== Call.read.id) return call === Call.write.id ? args[2] : 3n;
        const n = Math.min(Number(args[2]), left);
        left -= n;
        return BigInt(n);
      });
      const reads = log.filter((l) => l.call === Call.read.id).length;
      const writes = log.filter((l) => l.call === Call.write.id).length;
      expect(reads).toBe(Math.ceil(size / chunk) + 1);
      expect(writes).toBe(Math.ceil(size / chunk));
    }
  });

  it("mmap-write writes min(chunk, rest) from the mapping's address plus the offset, and no zero-length write", () => {
    const c = compileByName("mmap-write", { fileSize: "10000", chunk: "4096" });
    const base = 0x7f0000000000n;
    const { log } = simulate(c.program, (call, args) => (call === Call.mmap.id ? base : call === Call.write.id ? args[2] : 3n));
    const writes = log.filter((l) => l.call === Call.write.id);
    expect(writes.map((w) => [w.args[1] - base, w.args[2]])).toEqual([[0n, 4096n], [4096n, 4096n], [8192n, 1808n]]);
  });

  it("a failing watched call ends an until-zero loop instead of spinning", () => {
    const c = compileByName("sendfile");
    const { log } = simulate(c.program, (call) => (call === Call.sendfile.id ? -1n : 3n));
    expect(log.filter((l) => l.call === Call.sendfile.id)).toHaveLength(1);
  });

  it("a count loop runs its body count times", () => {
    const c = compile({
      name: "t", title: "t", params: { n: 5 }, setup: { sinks: { out: { kind: "null" } }, buffers: { b: { size: 4096 } } },
      program: [{ repeat: { count: "$n * 2" }, do: [{ call: "write", fd: "out", buf: "b", count: 1 }] }],
    });
    expect(simulate(c.program, () => 1n).log).toHaveLength(10);
  });

  it("maps every call's step back to its place in the file", () => {
    const c = compileByName("splice");
    expect(c.steps.map((s) => s.at)).toEqual(["program[0]", "program[1]", "program[2]", "program[3].do[0]", "program[3].do[1]", "program[4]", "program[5]", "program[6]"]);
  });

  it("every catalogue scenario compiles with its defaults", () => {
    for (const n of scenarioNames()) expect(() => compileByName(n)).not.toThrow();
  });
});

describe("refusals name the field and the reason", () => {
  const base = () => ({
    name: "t", title: "t", params: { fileSize: "64KiB" },
    setup: { files: { src: { size: "$fileSize" } }, sinks: { out: { kind: "tcp" } } },
    program: [
      { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" },
      { call: "pipe", ret: ["pr", "pw"] },
      { call: "splice", fd_in: "in", off_in: null, fd_out: "pw", off_out: null, len: 4096, flags: [] },
    ] as Record<string, unknown>[],
  });
  const refuse = (mutate: (s: ReturnType<typeof base>) => void, overrides = {}) => {
    const s = base();
    mutate(s);
    try {
      compile(s, overrides);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return (e as Error).message;
    }
    throw new Error("accepted");
  };

  it.each([
    [(s: any) => { s.program[2].fd_out = "pw2"; }, 'program[2].fd_out: unknown descriptor "pw2"'],
    [(s: any) => { s.program[2].call = "splise"; }, 'program[2].call: unknown call "splise"'],
    [(s: any) => { s.program[2].lenn = 3; }, 'program[2]: unknown field "lenn"'],
    [(s: any) => { s.program[2].flags = ["O_RDONLY"]; }, "program[2].flags[0]: O_RDONLY is not one of the SPLICE_F_* flags"],
    [(s: any) => { s.program[2].flags = ["SPLICE_F_NOPE"]; }, 'program[2].flags[0]: unknown flag "SPLICE_F_NOPE"'],
    [(s: any) => { s.setup.files.src.size = "1PiB"; }, "setup.files.src.size: a file of 1125899906842624 bytes exceeds the limit"],
    [(s: any) => { s.setup.files.src.size = -5; }, "setup.files.src.size: must not be negative"],
    [(s: any) => { s.setup.files.src.size = "1.5B"; }, "setup.files.src.size: \"1.5B\" is not a whole number of bytes"],
    [(s: any) => { s.setup.files.src.size = "lots"; }, 'setup.files.src.size: "lots" is not a size'],
    [(s: any) => { s.program[0].path = "../etc/passwd"; }, "program[0].path: \"../etc/passwd\" is not a name in the sandbox"],
    [(s: any) => { s.program[2].len = "$nope"; }, 'program[2].len: unknown name "nope"'],
    [(s: any) => { s.program[2].len = "4096 +"; }, "program[2].len: expression \"4096 +\" ends too soon"],
    [(s: any) => { s.program[2].fd_in = "buf"; s.setup.buffers = { buf: { size: 4096 } }; }, 'program[2].fd_in: "buf" is not a descriptor'],
    [(s: any) => { s.program[1].ret = "p"; }, "program[1].ret: pipe binds two names"],
    [(s: any) => { s.program.push({ repeat: { until: "zero" }, do: [] }); }, "program[3].do"],
    [(s: any) => { s.program.push(42); }, "program[3]: expected a statement object"],
    [(s: any) => { s.setup.sinks.out.kind = "udp"; }, 'setup.sinks.out.kind: "udp" is not one of tcp, file, null, nic'],
    [(s: any) => { s.extra = 1; }, 'unknown field "extra"'],
    [(s: any) => { s.program[2].len = "1 / 0"; }, "program[2].len: division by zero"],
    [(s: any) => { s.program[2].len = "(".repeat(20000) + "1" + ")".repeat(20000); }, "program[2].len: expression of more than 1024 tokens"],
    [(s: any) => { s.program[2].len = "(".repeat(100) + "1" + ")".repeat(100); }, "program[2].len: expression nests deeper than 64"],
    [(s: any) => { s.program[2].len = "-".repeat(100) + "1"; }, "program[2].len: expression nests deeper than 64"],
  ])("%#", (mutate, message) => {
    expect(refuse(mutate)).toContain(message);
  });

  it("refuses deep repeat nesting, naming the limit", () => {
    const s = base();
    let inner: any = { call: "close", fd: "in" };
    for (let i = 0; i < 20; i++) inner = { repeat: { count: 1 }, do: [inner] };
    s.program.push(inner);
    expect(() => compile(s)).toThrow(/nest deeper than 8/);
  });

  it("a parameter whose default names another takes that one's value unless it is set itself", () => {
    const c = compileByName("read-write", { chunk: "8KiB" });
    expect(c.params.bufSize).toBe(8192);
    expect(c.bufs[0].size).toBe(8192);
    const d = compileByName("read-write", { chunk: "8KiB", bufSize: "128KiB" });
    expect(d.params.bufSize).toBe(131072);
    expect(d.bufs[0].size).toBe(131072);
  });

  it("refuses unknown and malformed overrides", () => {
    expect(() => compileByName("splice", { chnk: "1" })).toThrow(/--set chnk: unknown parameter/);
    expect(() => compileByName("splice", { chunk: "big" })).toThrow(/params.chunk: "big" is not a size/);
    expect(() => compileByName("splice", { nicSg: "maybe" })).toThrow(/params.nicSg: "maybe" is not on\/off/);
    expect(() => compileByName("splice", { tcpCongestion: "vegas" })).toThrow(/params.tcpCongestion: "vegas" is not one of system, reno, cubic, bbr/);
    expect(() => compileByName("nope")).toThrow(/unknown scenario "nope"/);
    expect(() => parseSets(["chunk"])).toThrow(/--set chunk: expected key=value/);
  });
});
