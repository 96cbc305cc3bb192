/**
 * Random programs that always compile but mean little: every call of the ABI with arguments drawn from the bound
 * names, small and absurd numbers (negative, 2^31, 2^62, page-unaligned), any flag of the call's family or a
 * random flag word, inside random loops. They hammer the model's syscall layer with what a hostile page could send.
 */
import fc from "fast-check";
import { Call, Flags } from "../../src/scenario/abi.js";

const fds = ["in", "out", "pr", "pw", "sock", "nul", -1, 0, 1, 2, 3, 99, 1000, 2147483647];
const nums = fc.oneof(
  fc.constantFrom(0, 1, 7, 4095, 4096, 4097, 65536, 1 << 20, -1, -4096, 2 ** 31, 2 ** 31 - 1, 2 ** 53 - 1, -(2 ** 53) + 1),
  fc.integer({ min: -10, max: 300_000 }),
  fc.constantFrom("0x7fffffffffffffff", "0x4000000000000000", "-0x7fffffffffffffff"),
);
const addrs = fc.oneof(fc.constantFrom("b", "b + 1", "b + 4096", "b + 65535", "m", "m + 4095", "m + 65536", "b - 4096"), nums);
const family = (prefix: string) => Object.keys(Flags).filter((f) => f.startsWith(prefix));
const flagsOf = (prefix: string) => fc.oneof(fc.subarray(family(prefix), { maxLength: Math.min(3, family(prefix).length) }), nums);
const off = fc.oneof(fc.constant(null), fc.constant("&pos"), nums);

const argArb: Record<string, fc.Arbitrary<unknown>> = {
  fd: fc.constantFrom(...fds), fd_in: fc.constantFrom(...fds), fd_out: fc.constantFrom(...fds), out_fd: fc.constantFrom(...fds),
  in_fd: fc.constantFrom(...fds), sockfd: fc.constantFrom(...fds), sink: fc.constantFrom("sock", "out", "nul", 0, 5),
  buf: addrs, addr: addrs, count: nums, len: nums, length: nums, optval: nums, arg: nums, offset: nums,
  path: fc.constantFrom("src", "dst", "other"), off_in: off, off_out: off,
  iov: fc.array(fc.record({ iov_base: addrs, iov_len: nums }), { minLength: 1, maxLength: 4 }),
};
const flagArb: Record<string, fc.Arbitrary<unknown>> = {
  "open.flags": flagsOf("O_"), "open.mode": fc.constant(420), "pipe2.flags": flagsOf("O_"), "mmap.prot": flagsOf("PROT_"),
  "mmap.flags": flagsOf("MAP_"), "splice.flags": flagsOf("SPLICE_F_"), "tee.flags": flagsOf("SPLICE_F_"),
  "vmsplice.flags": flagsOf("SPLICE_F_"), "fcntl.cmd": flagsOf("F_"), "send.flags": flagsOf("MSG_"),
  "setsockopt.level": flagsOf("SOL_"), "setsockopt.optname": flagsOf("SO_"), "lseek.whence": flagsOf("SEEK_"),
  "madvise.advice": flagsOf("MADV_"), "posix_fadvise.advice": flagsOf("POSIX_FADV_"), "copy_file_range.flags": nums,
};

const RET: Record<string, unknown> = { open: "in", pipe: ["pr", "pw"], pipe2: ["pr", "pw"], mmap: "m" };

export const callArb: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom(...(Object.keys(Call) as (keyof typeof Call)[])).chain((name) => {
  const shape: Record<string, fc.Arbitrary<unknown>> = { call: fc.constant(name) };
  for (const a of Call[name].args) shape[a] = flagArb[`${name}.${a}`] ?? argArb[a] ?? nums;
  if (name === "sendfile") shape.offset = off;
  return fc.record(shape).map((st) => ({ ...st, ...(RET[name] ? { ret: RET[name] } : { ret: "r" }) }));
});

export const programArb: fc.Arbitrary<unknown[]> = fc.letrec((tie) => ({
  block: fc.array(tie("stmt"), { minLength: 1, maxLength: 8 }),
  stmt: fc.oneof({ depthSize: "small" },
    callArb, callArb, callArb,
    fc.record({ repeat: fc.record({ count: fc.integer({ min: 0, max: 50 }) }), do: tie("block") }),
    fc.record({ set: fc.constant("pos"), to: nums })),
})).block as fc.Arbitrary<unknown[]>;

/** A scenario around a random program: the names it uses are all bound before it. */
export const hostileScenarioArb = fc.record({
  size: fc.constantFrom(0, 1, 4097, 65536, 1 << 20),
  sink: fc.constantFrom("tcp", "file", "nic"),
  lazy: fc.boolean(),
  cache: fc.constantFrom("warm", "cold"),
  program: programArb,
}).map(({ size, sink, lazy, cache, program }) => ({
  name: "hostile-calls", title: "random calls",
  setup: {
    files: { src: { size, cache } },
    sinks: { sock: { kind: sink, peer: lazy ? "lazy" : "eager" }, nul: { kind: "null", expect: null } },
    buffers: { b: { size: 65536 } },
  },
  program: [
    { call: "open", path: "src", flags: ["O_RDWR"], ret: "in" },
    { call: "open", path: "dst", flags: ["O_RDWR", "O_CREAT"], ret: "out" },
    { call: "pipe", ret: ["pr", "pw"] },
    { call: "mmap", addr: null, length: 65536, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "m" },
    { set: "pos", to: 0 }, { set: "r", to: 0 },
    ...program,
  ],
}));
