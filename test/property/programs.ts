/**
 * Random scenario programs built from the format's pieces (docs/scenarios.md): a source file is moved to a sink in
 * random segments, each by a random method (pread+write, lseek+read+write, sendfile, splice through a pipe, tee,
 * write from a mapping, copy_file_range, vmsplice) with random sizes, with random unrelated work between segments
 * (scratch files, pipes dropped full, anonymous mappings written and unmapped, pipe resizes, fadvise, lseek). A
 * final sendfile loop sends whatever is left, then everything is closed and unmapped, and two probe opens follow.
 *
 * Every transfer call continues from the position `pos`, so whatever mix is drawn, the sink must receive exactly
 * the file, in order.
 */
import fc from "fast-check";

export type Method = "pread" | "read" | "sendfile" | "splice" | "tee" | "mmap" | "copy_file_range" | "vmsplice";
export type Noise = "scratch" | "pipeDropped" | "anon" | "fileMapRead" | "pipeResize" | "fadvise" | "lseek";

export interface Plan {
  fileSize: number;
  cache: "warm" | "cold";
  fill: "write" | "read";
  sink: "tcp" | "file" | "nic";
  pipeSize: number | null;
  segments: { method: Method; chunk: number; rounds: number; noise: { kind: Noise; size: number }[] }[];
}

const BUF = 65536;
/** the memory vmsplice rounds read into, a round at a time: far more than a held skb can still reference */
const VBUF = 1 << 20;

export const planArb = (methods: Method[]): fc.Arbitrary<Plan> => fc.record({
  fileSize: fc.oneof(fc.constantFrom(0, 1, 4095, 4096, 4097, 65536 + 123, 1 << 20), fc.integer({ min: 0, max: 3 << 20 })),
  cache: fc.constantFrom("warm", "cold"),
  fill: fc.constantFrom("write", "read"),
  sink: fc.constantFrom("tcp", "file", "nic"),
  pipeSize: fc.option(fc.constantFrom(4096, 8192, 65536, 1 << 20), { nil: null }),
  segments: fc.array(fc.record({
    method: fc.constantFrom(...methods),
    chunk: fc.oneof(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom(1, 4096, 65536, 65537)),
    rounds: fc.integer({ min: 1, max: 4 }),
    noise: fc.array(fc.record({
      kind: fc.constantFrom<Noise>("scratch", "pipeDropped", "anon", "fileMapRead", "pipeResize", "fadvise", "lseek"),
      size: fc.integer({ min: 1, max: 200_000 }),
    }), { maxLength: 2 }),
  }), { minLength: 1, maxLength: 6 }),
}) as fc.Arbitrary<Plan>;

/** The scenario of a plan, and the steps (by call index) that deliver to the sink. */
export function scenarioOf(plan: Plan): { scenario: unknown; sinkName: string } {
  const fs = plan.fileSize;
  const P: unknown[] = [];
  const call = (c: Record<string, unknown>) => P.push(c);
  const set = (name: string, to: string | number) => P.push({ set: name, to });
  call({ call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" });
  call({ call: "pipe", ret: ["pr", "pw"] });
  call({ call: "pipe", ret: ["qr", "qw"] });
  if (plan.pipeSize !== null) call({ call: "fcntl", fd: "pw", cmd: "F_SETPIPE_SZ", arg: plan.pipeSize });
  const mapped = fs > 0 && plan.segments.some((s) => s.method === "mmap");
  if (mapped) call({ call: "mmap", addr: null, length: fs, prot: ["PROT_READ"], flags: ["MAP_SHARED"], fd: "in", offset: 0, ret: "m" });
  set("pos", 0);
  set("n", 0);
  set("w", 0);
  set("t", 0);
  set("left", 0);
  set("vp", "v");
  /** statements that drain `amount` (a register) from pipe end rd into fd `to` */
  const drain = (rd: string, to: string, amount: string): unknown[] => [
    { set: "left", to: `$${amount}` },
    { repeat: { while: "$left > 0", watch: "k" }, do: [
      { call: "splice", fd_in: rd, off_in: null, fd_out: to, off_out: null, len: "$left", flags: [], ret: "k" },
      { set: "left", to: "$left - $k" },
    ] },
  ];
  plan.segments.forEach((seg, si) => {
    const c = seg.chunk, cb = Math.min(c, BUF);
    const body: unknown[] = [];
    switch (seg.method) {
      case "pread":
        body.push({ call: "pread64", fd: "in", buf: "b", count: cb, offset: "$pos", ret: "n" },
          { call: "write", fd: "out", buf: "b", count: "$n", ret: "w" }, { set: "pos", to: "$pos + $w" });
        break;
      case "read":
        body.push({ call: "lseek", fd: "in", offset: "$pos", whence: ["SEEK_SET"] },
          { call: "read", fd: "in", buf: "b", count: cb, ret: "n" },
          { call: "write", fd: "out", buf: "b", count: "$n", ret: "w" }, { set: "pos", to: "$pos + $w" });
        break;
      case "sendfile":
        body.push({ call: "sendfile", out_fd: "out", in_fd: "in", offset: "&pos", count: c, ret: "n" });
        break;
      case "copy_file_range":
        body.push({ call: "copy_file_range", fd_in: "in", off_in: "&pos", fd_out: "out", off_out: null, len: c, flags: 0, ret: "n" });
        break;
      case "mmap":
        if (!mapped) return;
        body.push({ set: "n", to: `min(${c}, ${fs} - $pos)` },
          { call: "write", fd: "out", buf: "$m + $pos", count: "$n", ret: "w" }, { set: "pos", to: "$pos + $w" });
        break;
      case "vmsplice":
        // at most 4 KiB: a full 16-slot pipe takes at least that much, so vmsplice never waits for the reader.
        // The spliced pages stay referenced until the peer has read them (a sub-MSS skb that Nagle holds keeps
        // them for the next send): each round reads into fresh memory of its own, never the pages still in flight
        // (a page of its own: a page-aligned read of at most 4 KiB is one pipe buffer, which a 1-slot pipe takes)
        body.push({ call: "pread64", fd: "in", buf: "$vp", count: Math.min(cb, 4096), offset: "$pos", ret: "n" },
          { call: "vmsplice", fd: "pw", iov: [{ iov_base: "$vp", iov_len: "$n" }], flags: [], ret: "w" }, { set: "pos", to: "$pos + $w" },
          { set: "vp", to: `v + (($vp - v + 4096) % ${VBUF})` },
          ...drain("pr", "out", "w"));
        break;
      case "splice":
        body.push({ call: "splice", fd_in: "in", off_in: "&pos", fd_out: "pw", off_out: null, len: c, flags: [], ret: "n" },
          ...drain("pr", "out", "n"));
        break;
      case "tee":
        body.push({ call: "splice", fd_in: "in", off_in: "&pos", fd_out: "pw", off_out: null, len: c, flags: [], ret: "n" },
          { call: "tee", fd_in: "pr", fd_out: "qw", len: "$n", flags: [], ret: "t" },
          ...drain("qr", "nul", "t"), ...drain("pr", "out", "n"));
        break;
    }
    P.push({ repeat: { count: seg.rounds }, do: body });
    for (const nz of seg.noise) noise(P, nz.kind, nz.size, fs, si);
  });
  // the rest, then close everything
  P.push({ repeat: { until: "zero" }, do: [{ call: "sendfile", out_fd: "out", in_fd: "in", offset: "&pos", count: "1MiB" }] });
  if (mapped) call({ call: "munmap", addr: "m", length: fs });
  for (const fd of ["in", "pr", "pw", "qr", "qw", "out", "nul"]) call({ call: "close", fd });
  call({ call: "open", path: "src", flags: ["O_RDONLY"], ret: "probe1" });
  call({ call: "open", path: "src", flags: ["O_RDONLY"], ret: "probe2" });
  return {
    sinkName: "out",
    scenario: {
      name: "property", title: "random transfer",
      setup: {
        files: { src: { size: fs, cache: plan.cache, ...(plan.cache === "warm" ? { fill: plan.fill } : {}) } },
        sinks: { out: { kind: plan.sink, expect: "src" }, nul: { kind: "null", expect: null } },
        buffers: { b: { size: BUF }, v: { size: VBUF } },
      },
      program: P,
    },
  };
}

function noise(P: unknown[], kind: Noise, size: number, fs: number, i: number): void {
  const sz = Math.min(size, BUF);
  switch (kind) {
    case "scratch":
      P.push({ call: "open", path: `scratch${i}`, flags: ["O_RDWR", "O_CREAT"], ret: "s" },
        { call: "write", fd: "s", buf: "b", count: sz }, { call: "close", fd: "s" });
      break;
    case "pipeDropped":
      P.push({ call: "pipe", ret: ["xr", "xw"] }, { call: "write", fd: "xw", buf: "b", count: Math.min(sz, 4096) },
        { call: "close", fd: "xw" }, { call: "close", fd: "xr" });
      break;
    case "anon":
      P.push({ call: "mmap", addr: null, length: size, prot: ["PROT_READ", "PROT_WRITE"], flags: ["MAP_PRIVATE", "MAP_ANONYMOUS"], fd: -1, offset: 0, ret: "a" },
        { call: "mem_write", addr: "a", len: size }, { call: "munmap", addr: "a", length: size });
      break;
    case "fileMapRead":
      if (fs === 0) return;
      P.push({ call: "mmap", addr: null, length: fs, prot: ["PROT_READ"], flags: ["MAP_PRIVATE"], fd: "in", offset: 0, ret: "fm" },
        { call: "mem_read", addr: "fm", len: Math.min(size, fs) }, { call: "munmap", addr: "fm", length: fs });
      break;
    case "pipeResize":
      P.push({ call: "fcntl", fd: "pw", cmd: "F_SETPIPE_SZ", arg: [4096, 16384, 65536, 1 << 20][size % 4] });
      break;
    case "fadvise":
      P.push({ call: "posix_fadvise", fd: "in", offset: 0, len: 0, advice: ["POSIX_FADV_DONTNEED"] });
      break;
    case "lseek":
      P.push({ call: "lseek", fd: "in", offset: size, whence: ["SEEK_SET"] });
      break;
  }
}
