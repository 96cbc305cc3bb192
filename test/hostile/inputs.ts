/**
 * Hostile scenario files, each with the field its refusal must name. Written from docs/scenarios.md (its format and
 * its "Limits": files up to 16 GiB, buffers up to 1 GiB, repeat nested at most 8 deep, at most 10,000 calls), not
 * from the compiler's code.
 */
const ok = (program: unknown[], setup: unknown = { files: { src: { size: "64KiB" } } }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "hostile", title: "hostile input", setup, program, ...extra });
const open = { call: "open", path: "src", flags: ["O_RDONLY"], ret: "in" };

export interface Hostile {
  id: string;
  /** the file's text */
  text: string;
  /** the refusal names this (a field's path, or the file itself) */
  names: string | RegExp;
  /** and says this */
  says?: RegExp;
  /** extra CLI arguments (--set ...) */
  args?: string[];
}

const deepRepeat = (depth: number) => {
  let s = JSON.stringify({ call: "pipe", ret: ["a", "b"] });
  for (let i = 0; i < depth; i++) s = `{"repeat":{"count":1},"do":[${s}]}`;
  return `{"name":"hostile","title":"t","setup":{},"program":[${s}]}`;
};

export const HOSTILE: Hostile[] = [
  // malformed JSON
  { id: "truncated JSON", text: '{ "name": "x", "title": ', names: /\.json/, says: /not valid JSON/ },
  { id: "empty file", text: "", names: /\.json/, says: /not valid JSON/ },
  { id: "binary garbage", text: "\u0000\u0001\u00ff\ufffd{{{", names: /\.json/, says: /not valid JSON/ },
  { id: "trailing comma", text: '{"name":"x","title":"t","setup":{},"program":[],}', names: /\.json/, says: /not valid JSON/ },
  { id: "a JSON array, not an object", text: "[]", names: /./, says: /object/ },
  { id: "a JSON number", text: "42", names: /./, says: /object/ },
  { id: "JSON null", text: "null", names: /./, says: /object/ },
  { id: "200,000 nested arrays", text: "[".repeat(200000) + "]".repeat(200000), names: /./, says: /object/ },
  // unknown fields
  { id: "unknown top-level field", text: ok([open], undefined, { bogus: 1 }), names: /bogus/, says: /unknown field/ },
  { id: "unknown field in a call", text: ok([{ ...open, fdd: 3 }]), names: "program[0]", says: /unknown field.*fdd/ },
  { id: "unknown field in setup.files", text: ok([], { files: { src: { size: 1, colour: "red" } } }), names: "setup.files.src", says: /colour/ },
  { id: "unknown field in repeat", text: ok([{ repeat: { count: 1, forever: true }, do: [open] }]), names: "program[0]", says: /forever/ },
  { id: "__proto__ at the top", text: '{"name":"x","title":"t","__proto__":{"a":1},"setup":{},"program":[]}', names: /__proto__/ },
  // wrong types
  { id: "program is an object", text: '{"name":"x","title":"t","setup":{},"program":{}}', names: "program", says: /array/ },
  { id: "title is a number", text: '{"name":"x","title":5,"setup":{},"program":[]}', names: "title", says: /string/ },
  { id: "size is a boolean", text: ok([], { files: { src: { size: true } } }), names: "setup.files.src.size" },
  { id: "flags is an object", text: ok([{ ...open, flags: { O_RDONLY: true } }]), names: "program[0].flags" },
  { id: "a statement is a string", text: ok(["open src"]), names: "program[0]" },
  { id: "a statement is null", text: ok([null]), names: "program[0]" },
  { id: "ret is a number", text: ok([{ ...open, ret: 3 }]), names: "program[0].ret" },
  // sizes
  { id: "negative file size", text: ok([], { files: { src: { size: -4096 } } }), names: "setup.files.src.size", says: /negative/ },
  { id: "negative size as text", text: ok([], { files: { src: { size: "-1KiB" } } }), names: "setup.files.src.size" },
  { id: "fractional bytes", text: ok([], { files: { src: { size: 1.5 } } }), names: "setup.files.src.size", says: /whole/ },
  { id: "fractional KiB that is not whole bytes", text: ok([], { files: { src: { size: "0.3KiB" } } }), names: "setup.files.src.size", says: /whole/ },
  { id: "a 1 PiB file", text: ok([], { files: { src: { size: "1PiB" } } }), names: "setup.files.src.size", says: /17179869184|16 ?GiB/ },
  { id: "a 17 GiB file", text: ok([], { files: { src: { size: "17GiB" } } }), names: "setup.files.src.size", says: /limit/ },
  { id: "1e300 bytes", text: ok([], { files: { src: { size: 1e300 } } }), names: "setup.files.src.size" },
  { id: "a size past 2^53", text: ok([], { files: { src: { size: "99999999999999999999PiB" } } }), names: "setup.files.src.size" },
  { id: "a 2 GiB buffer", text: ok([], { buffers: { b: { size: "2GiB" } } }), names: "setup.buffers.b.size", says: /1073741824|1 ?GiB|limit/ },
  { id: "a zero-byte buffer", text: ok([], { buffers: { b: { size: 0 } } }), names: "setup.buffers.b.size" },
  { id: "NaN as a size", text: ok([], { files: { src: { size: "NaN" } } }), names: "setup.files.src.size" },
  { id: "a negative --set", text: ok([open], { files: { src: { size: "$fileSize" } } }, { params: { fileSize: "1MiB" } }), args: ["--set", "fileSize=-1"], names: "fileSize" },
  { id: "a 1 PiB --set", text: ok([open], { files: { src: { size: "$fileSize" } } }, { params: { fileSize: "1MiB" } }), args: ["--set", "fileSize=1PiB"], names: /fileSize|setup\.files\.src\.size/, says: /limit|17179869184/ },
  { id: "an unknown --set", text: ok([open]), args: ["--set", "bogus=1"], names: "bogus", says: /unknown parameter/ },
  { id: "a --set without =", text: ok([open]), args: ["--set", "fileSize"], names: "fileSize", says: /key=value/ },
  { id: "a machine param out of range", text: ok([open]), args: ["--set", "nicTxRing=3"], names: "nicTxRing" },
  // calls, flags, descriptors
  { id: "unknown call", text: ok([{ call: "splise", fd_in: 3 }]), names: "program[0].call", says: /unknown call/ },
  { id: "call named constructor", text: ok([{ call: "constructor" }]), names: "program[0].call", says: /unknown call/ },
  { id: "call named __proto__", text: ok([{ call: "__proto__" }]), names: "program[0].call", says: /unknown call/ },
  { id: "unknown flag", text: ok([{ ...open, flags: ["O_RDONLY", "O_BOGUS"] }]), names: "program[0].flags[1]", says: /unknown flag/ },
  { id: "flag named valueOf", text: ok([{ ...open, flags: ["valueOf"] }]), names: "program[0].flags" },
  { id: "flag of another call's family", text: ok([open, { call: "pipe", ret: ["pr", "pw"] }, { call: "splice", fd_in: "in", off_in: null, fd_out: "pw", off_out: null, len: 1, flags: ["O_RDONLY"] }]), names: "program[2].flags[0]" },
  { id: "undefined descriptor", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "close", fd: "pw2" }]), names: "program[1].fd", says: /pw2/ },
  { id: "a descriptor used before it is bound", text: ok([{ call: "close", fd: "in" }, open]), names: "program[0].fd", says: /"in"/ },
  { id: "an address used as a descriptor", text: ok([{ call: "close", fd: "b" }], { buffers: { b: { size: 4096 } } }), names: "program[0].fd" },
  { id: "a missing argument", text: ok([{ call: "read", fd: 0, buf: null }]), names: "program[0].count", says: /required/ },
  { id: "pipe binding one name", text: ok([{ call: "pipe", ret: "p" }]), names: "program[0].ret" },
  { id: "a path out of the sandbox", text: ok([{ call: "open", path: "../etc/passwd", flags: ["O_RDONLY"] }]), names: "program[0].path", says: /sandbox/ },
  { id: "a path with a NUL", text: ok([{ call: "open", path: "src\u0000x", flags: ["O_RDONLY"] }]), names: "program[0].path" },
  { id: "1025 iovecs (IOV_MAX + 1)", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "vmsplice", fd: "pw", iov: Array(1025).fill({ iov_base: "b", iov_len: 1 }) }], { buffers: { b: { size: 4096 } } }), names: "program[1].iov" },
  { id: "division by zero", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "write", fd: "pw", buf: null, count: "1/0" }]), names: "program[1].count" },
  { id: "an unfinished expression", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "write", fd: "pw", buf: null, count: "$n +" }]), names: "program[1].count" },
  { id: "20,000 nested parentheses", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "close", fd: "(".repeat(20000) + "pw" + ")".repeat(20000) }]), names: "program[1].fd" },
  { id: "an expression of 200,000 terms", text: ok([{ call: "pipe", ret: ["pr", "pw"] }, { call: "close", fd: Array(200000).fill("pw").join("+") }]), names: "program[1].fd" },
  // repeat
  { id: "repeat nested 9 deep", text: deepRepeat(9), names: /program\[0\](\.do\[0\])+\.repeat/, says: /8/ },
  { id: "repeat nested 5,000 deep", text: deepRepeat(5000), names: /program\[0\]/, says: /8/ },
  { id: "repeat without do", text: ok([{ repeat: { count: 2 } }]), names: "program[0]" },
  { id: "repeat until one", text: ok([{ repeat: { until: "one" }, do: [open] }]), names: "program[0]" },
  { id: "negative repeat count", text: ok([{ repeat: { count: -1 }, do: [open] }]), names: "program[0].repeat.count", says: /negative/ },
  { id: "10,001 statements", text: ok(Array(10001).fill({ call: "pipe", ret: ["pr", "pw"] })), names: "program" },
  { id: "10,001 statements inside one repeat", text: ok([{ repeat: { count: 1 }, do: Array(10001).fill({ call: "pipe", ret: ["pr", "pw"] }) }]), names: "program[0]" },
  { id: "100,001 calls", text: ok([...Array.from({ length: 10 }, (): unknown => ({ repeat: { count: 1 }, do: Array(10000).fill({ call: "pipe", ret: ["pr", "pw"] }) })), { repeat: { count: 1 }, do: [{ call: "pipe", ret: ["pr", "pw"] }] }]), names: "program[10].do[0]", says: /100000 calls/ },
  // keys that name JavaScript's object machinery: refused by name wherever they are, never dropped
  { id: "__proto__ as a file name", text: '{"name":"x","title":"t","setup":{"files":{"__proto__":{"size":1}}},"program":[]}', names: "setup.files.__proto__", says: /not allowed/ },
  { id: "constructor as a parameter", text: '{"name":"x","title":"t","params":{"constructor":1},"setup":{},"program":[]}', names: "params.constructor", says: /not allowed/ },
  { id: "prototype in a call", text: ok([{ ...open, prototype: 1 }]), names: "program[0].prototype", says: /not allowed/ },
  { id: "__proto__ in a repeat", text: '{"name":"x","title":"t","setup":{},"program":[{"repeat":{"count":1,"__proto__":{"a":1}},"do":[{"call":"pipe","ret":["a","b"]}]}]}', names: "program[0].repeat.__proto__", says: /not allowed/ },
  // resource totals, checked before either engine allocates
  { id: "63 buffers of 1 GiB", text: ok([], { buffers: Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`b${i}`, { size: "1GiB" }])) }), names: "setup.buffers", says: /at most 32/ },
  { id: "5 buffers of 1 GiB", text: ok([], { buffers: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`b${i}`, { size: "1GiB" }])) }), names: "setup.buffers", says: /add up to 5368709120 bytes/ },
  { id: "3 files of 16 GiB", text: ok([], { files: { a: { size: "16GiB" }, b: { size: "16GiB" }, c: { size: "16GiB" } } }), names: "setup.files", says: /add up to/ },
  { id: "17 sinks", text: ok([], { sinks: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`s${i}`, { kind: "null", expect: null }])) }), names: "setup.sinks", says: /at most 16/ },
  // sizes blamed on their own field
  { id: "1 EiB", text: ok([], { files: { src: { size: "1EiB" } } }), names: "setup.files.src.size", says: /too large/ },
  { id: "0.1 B", text: ok([], { files: { src: { size: "0.1B" } } }), names: "setup.files.src.size", says: /whole number/ },
  { id: "a fileSize of 1EiB beside a chunk of whole (it used to blame params.chunk)", text: ok([], { files: { src: { size: "$fileSize" } } }, { params: { fileSize: "1EiB", chunk: "whole" } }), names: "params.fileSize", says: /too large/ },
  { id: "a parameter of 0.1B", text: ok([], { files: { src: { size: "$chunk" } } }, { params: { chunk: "0.1B" } }), names: "params.chunk", says: /whole number/ },
  { id: "a --set of 1EiB", text: ok([open], { files: { src: { size: "$chunk" } } }, { params: { chunk: "4KiB" } }), args: ["--set", "chunk=1EiB"], names: "params.chunk", says: /too large/ },
  // expressions the engines could not evaluate
  { id: "an expression of 300 terms", text: ok([{ set: "a", to: 1 }, { set: "b", to: Array(300).fill("a").join(" + ") }]), names: "program[1].to", says: /at most 256/ },
  { id: "an expression 70 deep on the right", text: ok([{ set: "a", to: 1 }, { set: "b", to: "a-(".repeat(63) + "a-(a-(a-(a-(a-(a-(a-a))))))" + ")".repeat(63) }]), names: "program[1].to" },
  { id: "a hex literal of 65 bits", text: ok([{ set: "a", to: "0x1ffffffffffffffff" }]), names: "program[0].to", says: /64 bits/ },
  { id: "a stepBudget past the maximum", text: ok([open]), args: ["--set", "stepBudget=20000000000"], names: "params.stepBudget", says: /limit/ },
];
