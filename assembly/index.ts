// The exported ABI of the model: load a compiled program, set it up, run or step it, read the counters, the
// trace, the errors and signals, and the sinks' verdicts. Thin: every mechanism lives in its part's file.
import { COUNTER_COUNT } from "./abi";
import { countersPtr } from "./counters";
import { tracePtr, traceLen, traceDropped } from "./trace";
import * as P from "./program";
import { sinkCount, sinkBytes, sinkBad, sinkModified, sinkExpect, sinkKind, sinkDigest, sinkTestCorrupt, sinkSetDigest } from "./kernel/sink";
import { patternWord } from "./mm/frames";
import { framesPeak, framesBytes } from "./mm/frames";
import { ptBytes } from "./mm/pagetable";
import { regs } from "./args";

/** Raw memory for the host to write a program into. */
export function zc_alloc(bytes: i32): usize { return heap.alloc(<usize>bytes); }
export function zc_free(ptr: usize): void { heap.free(ptr); }

/** Loads the program (int64 words at ptr). Returns a Status. */
export function zc_load(ptr: usize, nwords: i32): i32 { return P.loadProgram(ptr, nwords); }
/** Overrides a knob for the next setup (after the program's own knob section). */
export function zc_set_knob(id: i32, value: i64): void { P.overrideKnob(id, value); }
export function zc_clear_knobs(): void { P.clearOverrides(); }
/** Builds the machine and runs setup (not counted). Returns a Status. */
export function zc_setup(): i32 { return P.setup(); }
/** Runs up to `max` instructions (0: to the end). Returns Status.DONE at HALT, OK if paused, or an error. */
export function zc_run(max: i64): i32 { return P.run(max); }
/** Executes one instruction. */
export function zc_step(): i32 { P.resetFinish(); return P.stepOne(); }
export function zc_status(): i32 { return P.status; }
export function zc_pc(): i32 { return P.pc; }
export function zc_steps(): i64 { return P.steps; }

export function zc_counters_ptr(): usize { return countersPtr; }
export function zc_counter_count(): i32 { return COUNTER_COUNT; }
/** int64[64]: how many times each call id was made */
export function zc_calls_ptr(): usize { return changetype<usize>(P.callCounts); }

/** The trace: traceLen records of 8 int64. */
export function zc_trace_ptr(): usize { return tracePtr; }
export function zc_trace_len(): i64 { return traceLen; }
export function zc_trace_dropped(): i64 { return traceDropped; }

/** Errors: records of 4 int64 [step, call, errno, count]. */
export function zc_errors_ptr(): usize { return changetype<usize>(P.errRecs); }
export function zc_errors_len(): i32 { return P.nerr; }
/** Signals: records of 6 int64 [step, signo, si_code, addr, map start, offset in map]. */
export function zc_signals_ptr(): usize { return changetype<usize>(P.sigRecs); }
export function zc_signals_len(): i32 { return P.nsig; }

/** Sinks: [kind, expect, bytes, bad, modified, digest] per sink, written to a scratch area. */
const sinkInfo = new StaticArray<i64>(16 * 6);
export function zc_sinks_len(): i32 { return sinkCount(); }
export function zc_sinks_ptr(): usize {
  for (let s = 0; s < sinkCount(); s++) {
    unchecked(sinkInfo[s * 6] = sinkKind(s)); unchecked(sinkInfo[s * 6 + 1] = sinkExpect(s)); unchecked(sinkInfo[s * 6 + 2] = sinkBytes(s));
    unchecked(sinkInfo[s * 6 + 3] = sinkBad(s)); unchecked(sinkInfo[s * 6 + 4] = sinkModified(s)); unchecked(sinkInfo[s * 6 + 5] = <i64>sinkDigest(s));
  }
  return changetype<usize>(sinkInfo);
}
/** The byte pattern's word W(file, off, version) (tests compare it with native-host/pattern.c's). */
export function zc_pattern_word(file: i32, off: i64, version: i32): u64 { return patternWord(file, off, version); }
/** Tests only: damage what every sink receives at stream position pos (kind 0 zero, 1 flip, 2 dup, 3 drop,
 * 4 swap; -1 off) before it is checked, to show that the delivery proof catches it. */
export function zc_test_corrupt(kind: i32, pos: i64): void { sinkTestCorrupt(kind, pos); }
export function zc_regs_ptr(): usize { return regs; }

/** Memory: the wasm memory's size, and the model's own tables (frames, run blocks, page tables). */
export function zc_memory_bytes(): i64 { return <i64>memory.size() << 16; }
export function zc_model_bytes(): i64 { return framesBytes() + ptBytes(); }
export function zc_frames_peak(): i64 { return framesPeak; }
/** Whether the sinks sum their stream digests (on by default; it costs about 3 ns per 8 bytes delivered). */
export function zc_set_digest(on: bool): void { sinkSetDigest(on); }
