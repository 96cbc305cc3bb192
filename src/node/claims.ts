/**
 * `zcsim claims`: the classic article's table of copies and context switches, beside what the model does in the
 * article's setting and what the kernel does in the closest setting it can run here.
 *
 * The article's numbers below are the one table of counts in the project: they are the claim under test. The
 * model's and the kernel's columns come from runs of the catalogue scenarios, never from a table; each row's note
 * explains every difference by its mechanism, with the run's own counts.
 *
 * The article's setting: the whole file in one call, a cold cache, a NIC as the sink (model: sink=nic, gather
 * off for plain sendfile, on for "sendfile with DMA gather"). The kernel's: the same, through the native host's nic
 * sink, a veth whose scatter-gather is switched as the model's (its CPU passes derived from the calls and from the
 * skbs' shapes measured at the driver; a veth hands the skb over, so a NIC's DMA is unobservable); tee's row, whose
 * two sinks the model makes NICs, to a loopback TCP peer (the host has one veth).
 */
import type { Result } from "../result.js";
import { compileByName, formatSize, type Compiled } from "../scenario/index.js";

export type ClaimMechanism = "read-write" | "mmap-write" | "sendfile" | "sendfile-gather" | "splice" | "tee";

export interface Counts {
  modeSwitches: number | null;
  cpuCopies: number | null;
  dmaCopies: number | null;
}

export interface ClaimRow {
  mechanism: ClaimMechanism;
  /** what the article claims */
  claim: string;
  article: Counts;
  model: Counts;
  kernel?: Counts;
  /** the differences, each by its mechanism */
  note: string;
  /** the runs' params (model, and kernel when it ran) */
  modelParams?: Record<string, string>;
  kernelParams?: Record<string, string>;
}

/** The article's table (the claim under test; "context switches" there are mode switches: 2 per call). */
export const ARTICLE: Record<ClaimMechanism, Counts & { claim: string; calls: Record<string, number> }> = {
  "read-write": { claim: "read() + write(): 4 context switches, 2 CPU copies, 2 DMA copies", modeSwitches: 4, cpuCopies: 2, dmaCopies: 2, calls: { read: 1, write: 1 } },
  "mmap-write": { claim: "mmap() + write(): 4 context switches, 1 CPU copy, 2 DMA copies", modeSwitches: 4, cpuCopies: 1, dmaCopies: 2, calls: { mmap: 1, write: 1 } },
  sendfile: { claim: "sendfile(): 2 context switches, 1 CPU copy, 2 DMA copies", modeSwitches: 2, cpuCopies: 1, dmaCopies: 2, calls: { sendfile: 1 } },
  "sendfile-gather": { claim: "sendfile() with DMA gather: 2 context switches, 0 CPU copies, 2 DMA copies", modeSwitches: 2, cpuCopies: 0, dmaCopies: 2, calls: { sendfile: 1 } },
  splice: { claim: "splice(): 2 context switches, 0 CPU copies, 2 DMA copies", modeSwitches: 2, cpuCopies: 0, dmaCopies: 2, calls: { splice: 1 } },
  tee: { claim: "tee() duplicates pipe data without copying", modeSwitches: null, cpuCopies: 0, dmaCopies: null, calls: { tee: 1 } },
};

export const MECHANISMS = Object.keys(ARTICLE) as ClaimMechanism[];

/** The scenario and params of each row: the article's setting (model) and the closest the kernel can run. */
export function settingOf(m: ClaimMechanism, sets: Record<string, string> = {}): { scenario: string; model: Record<string, string>; kernel: Record<string, string> } {
  const scenario = m === "sendfile-gather" ? "sendfile" : m;
  const common = { fileSize: "1MiB", chunk: "whole", cache: "cold", ...sets };
  const model: Record<string, string> = { ...common, sink: "nic" };
  if (m === "sendfile") model.nicSg = "off";
  if (m === "sendfile-gather") model.nicSg = "on";
  if (m === "tee") model.copySink = "nic";
  const viaNic = m !== "tee";
  const kernel: Record<string, string> = { ...common, sink: viaNic ? "nic" : "tcp" };
  if (viaNic && model.nicSg !== undefined) kernel.nicSg = model.nicSg;
  if (m === "tee") kernel.copySink = "tcp";
  // a --set wins over the article's setting, in both
  return { scenario, model: { ...model, ...sets }, kernel: { ...kernel, ...pickKernelSafe(sets, viaNic) } };
}

/** --set values the kernel can take as well: the NIC's only where the kernel's row runs through the veth (the host
 *  has one nic sink). */
function pickKernelSafe(sets: Record<string, string>, viaNic: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sets)) if (viaNic || (!/^nic/.test(k) && !(/sink$/i.test(k) && v === "nic"))) out[k] = v;
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Copies as passes over the payload, mode switches as counted. `dmaObservable` false: NIC DMA cannot be seen. */
export function countsOf(r: Result): Counts {
  const ev = r.evidence ?? {};
  const ok = (path: string) => ev[path] !== "unavailable" && ev[path] !== "unobservable";
  const passes = (b: number) => (r.payloadBytes > 0 ? round(b / r.payloadBytes) : null);
  return {
    modeSwitches: ok("modeSwitches") ? r.modeSwitches : null,
    cpuCopies: ok("copies.cpu.bytes") && ok("copies.cpu") ? passes(r.copies.cpu.bytes) : null,
    dmaCopies: ok("copies.dma.bytes") && ok("copies.dma") ? passes(r.copies.dma.bytes) : null,
  };
}

/** What explains the run's calls beyond the ones the article counts, by call. */
function callsNote(m: ClaimMechanism, r: Result): string | undefined {
  const by = r.syscalls.byName;
  const want = ARTICLE[m].calls;
  const parts: string[] = [];
  const pageKiB = (n: number) => formatSize(n);
  const pipeSize = typeof r.params.pipeSize === "number" ? r.params.pipeSize : undefined;
  const oc = (by.open ?? 0) + (by.close ?? 0);
  if (oc) parts.push(`open() and close() x${oc}, which the article leaves out`);
  for (const [call, n] of Object.entries(by)) {
    const extra = n - (want[call] ?? 0);
    if (extra <= 0) continue;
    switch (call) {
      case "open": case "close":
        break;
      case "read":
        parts.push(`read() x${n}: the loop's last read() returns 0 at EOF`);
        break;
      case "sendfile":
        parts.push(`sendfile() x${n}: the loop's last call returns 0 at EOF`);
        break;
      case "splice":
        parts.push(`splice() x${n}: from a file to a socket takes two calls through a pipe (file to pipe, pipe to socket)` +
          (pipeSize ? `, a call moves at most the pipe's ${pageKiB(pipeSize)}` : "") + ", and the loop ends on a splice() that returns 0 at EOF");
        break;
      case "tee":
        parts.push(`tee() x${n}: one per round the pipe's capacity allows, and one that finds the pipe empty at EOF`);
        break;
      case "pipe": case "fcntl":
        parts.push(`${call}() x${n} to make the pipe${call === "fcntl" ? " and set its size (F_SETPIPE_SZ)" : ""}`);
        break;
      case "munmap":
        parts.push(`munmap() x${n}`);
        break;
      case "write":
        parts.push(`write() x${n}: a socket write may return short and is repeated`);
        break;
      default:
        parts.push(`${call}() x${n}`);
    }
  }
  if (!parts.length) return undefined;
  return `${r.modeSwitches} mode switches for ${r.syscalls.total} calls: ${parts.join("; ")}`;
}

/** Why the CPU made this many passes, by mechanism. */
function cpuNote(m: ClaimMechanism, r: Result, article: number | null, got: number | null): string | undefined {
  if (got === null || article === null || got === article) return undefined;
  const sg = r.params.nicSg, csum = r.params.nicCsum;
  const why: string[] = [];
  if (sg === false && (m === "sendfile" || m === "sendfile-gather" || m === "splice" || m === "tee")) why.push("without scatter-gather the device cannot take the page frags: software GSO cuts each skb into linear segments, the CPU copying the payload into them");
  if (csum === false) why.push("without checksum offload the CPU reads the payload to checksum it");
  if (m === "read-write") why.push("read() copies page cache to user, write() copies user to the socket");
  if (m === "mmap-write") why.push("write() from the mapping copies the page-cache pages into the socket");
  if (m === "tee" && r.params.copySink === "file") why.push("splicing the duplicate into a file copies it into that file's page cache");
  if (r.params.sink === "tcp") why.push("the sink is a loopback socket: skbs keep their page references, the peer's copy is its own");
  return `CPU ${got} ${got === 1 ? "pass" : "passes"} where the article says ${article}${why.length ? `: ${why.join("; ")}` : ""}`;
}

/** Why the devices made this many passes: the disk's (read_bytes) and the NIC's. */
function dmaNote(r: Result, article: number | null, got: number | null, sinks: number): string | undefined {
  if (got === null || article === null || got === article || r.payloadBytes === 0) return undefined;
  const disk = round(r.io.readBytes / r.payloadBytes);
  const nic = round(got - disk);
  const why: string[] = [`the disk ${disk} (a cold cache${disk > 1 ? "; readahead reads ahead of what is consumed" : ""})`, `the NIC ${nic}`];
  if (sinks > 1) why.push(`${sinks} sinks each take the payload by their own DMA`);
  return `DMA ${got} ${got === 1 ? "pass" : "passes"} where the article says ${article}: ${why.join(", ")}`;
}

export interface ClaimEngines {
  model: { run(c: Compiled): Result };
  kernel?: { run(c: Compiled): Promise<Result> } | null;
}

/** The rows, each from runs: the model in the article's setting, the kernel (if given) in the closest it can run. */
export async function claimRows(engines: ClaimEngines, sets: Record<string, string> = {}): Promise<ClaimRow[]> {
  const rows: ClaimRow[] = [];
  for (const m of MECHANISMS) {
    const s = settingOf(m, sets);
    const a = ARTICLE[m];
    const article: Counts = { modeSwitches: a.modeSwitches, cpuCopies: a.cpuCopies, dmaCopies: a.dmaCopies };
    const compiledModel = compileByName(s.scenario, s.model);
    const mr = engines.model.run(compiledModel);
    const model = countsOf(mr);
    const notes: string[] = [];
    if (a.modeSwitches !== null && model.modeSwitches !== a.modeSwitches) notes.push(callsNote(m, mr) ?? `${model.modeSwitches} mode switches`);
    const cpu = cpuNote(m, mr, a.cpuCopies, model.cpuCopies);
    if (cpu) notes.push(cpu);
    const dma = dmaNote(mr, a.dmaCopies, model.dmaCopies, compiledModel.sinks.length);
    if (dma) notes.push(dma);
    if (m === "tee") {
      const disk = mr.payloadBytes ? round(mr.io.readBytes / mr.payloadBytes) : 0;
      notes.push(`tee() duplicated ${mr.delivered.bytes} bytes to ${compiledModel.sinks.length} sinks${mr.delivered.intact === null ? ", unverified" : mr.delivered.intact ? ", intact" : ", NOT intact"} with ${model.cpuCopies} CPU passes; ` +
        `DMA ${model.dmaCopies} passes: the disk's ${disk} and the NICs' ${model.dmaCopies === null ? "?" : round(model.dmaCopies - disk)}, each sink taking the pages by its own gather`);
    }
    const row: ClaimRow = { mechanism: m, claim: a.claim, article, model, note: "", modelParams: s.model };
    if (engines.kernel) {
      try {
        const kr = await engines.kernel.run(compileByName(s.scenario, s.kernel));
        row.kernel = countsOf(kr);
        row.kernelParams = s.kernel;
        const k: string[] = [];
        const veth = s.kernel.sink === "nic";
        const dev = veth ? "a veth hands the skb over" : "loopback has no NIC to gather from";
        if (row.kernel.dmaCopies === null) k.push(`NIC DMA cannot be observed ${veth ? "through a veth" : "over loopback"}`);
        else k.push(`its DMA is the disk's alone (${row.kernel.dmaCopies} ${row.kernel.dmaCopies === 1 ? "pass" : "passes"}, from read_bytes): ${dev}`);
        if (veth) {
          const kk = kr.kernel ?? {};
          const lin = kk.skbLinearBytes, frag = kk.skbFragBytes;
          if (typeof lin === "number" && typeof frag === "number")
            k.push(`measured at the driver: ${frag} payload bytes in page frags, ${lin} in linear skbs (${kk.skbs} skbs, scatter-gather ${kk.nicSg ? "on" : "off"}); ` +
              `its CPU passes are derived from the calls and those shapes${lin > 0 ? ": payload found linear was copied there by software GSO (skb_segment)" : ""}`);
          else k.push(`its skbs could not be sampled (${kr.unavailable?.["kernel.skbLinearBytes"] ?? "tracepoints unavailable"}): no CPU passes shown`);
        } else if (row.kernel.cpuCopies !== null && kr.evidence?.["copies.cpu.bytes"] === "derived") k.push("its CPU passes are derived from the calls, not measured");
        if (row.kernel.modeSwitches !== null && model.modeSwitches !== null && row.kernel.modeSwitches !== model.modeSwitches) k.push(`the kernel made ${kr.syscalls.total} calls where the model made ${mr.syscalls.total} (${Object.entries(kr.syscalls.byName).map(([c, n]) => `${c} x${n}`).join(", ")})`);
        if (k.length) notes.push(`kernel (${veth ? "TCP through a veth pair, the peer in its own network namespace" : "loopback TCP"}): ${k.join("; ")}`);
      } catch (e) {
        notes.push(`kernel: the run failed: ${(e as Error).message}`);
      }
    }
    row.note = notes.length ? notes.join(". ") + "." : "agrees with the article.";
    rows.push(row);
  }
  return rows;
}

/** The table as text. */
export function formatClaims(rows: ClaimRow[], kernelWhy?: string): string {
  const c = (x: Counts | undefined) => (x ? [x.modeSwitches, x.cpuCopies, x.dmaCopies].map((v) => (v === null ? "-" : String(v))) : ["", "", ""]);
  const withKernel = rows.some((r) => r.kernel);
  const head = ["mechanism", "article sw", "cpu", "dma", "model sw", "cpu", "dma", ...(withKernel ? ["kernel sw", "cpu", "dma"] : [])];
  const body = rows.map((r) => [r.mechanism, ...c(r.article), ...c(r.model), ...(withKernel ? c(r.kernel) : [])]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  const out = [line(head), ...body.map(line), ""];
  out.push("sw: mode (user/kernel) switches, 2 per call; cpu and dma: passes over the payload (bytes copied / payload bytes).");
  out.push(`model: ${settingText(rows[0]?.modelParams)} (sendfile: nicSg=off; sendfile-gather: nicSg=on; tee: both sinks NICs)`);
  if (withKernel) out.push(`kernel: ${settingText(rows[0]?.kernelParams)} (through a veth with the model's nicSg, tee to loopback: NIC DMA unobservable)`);
  else if (kernelWhy) out.push(`kernel column empty: ${kernelWhy}`);
  out.push("");
  for (const r of rows) out.push(`${r.mechanism}: ${r.note}`);
  return out.join("\n") + "\n";
}

const settingText = (p?: Record<string, string>) => (p ? Object.entries(p).filter(([k]) => !/^nicSg$|^copySink$/.test(k)).map(([k, v]) => `${k}=${v}`).join(" ") : "");
