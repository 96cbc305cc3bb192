/**
 * The data path: user space (the process, its buffer, the TCP peer), the kernel (page cache, pipe ring, socket and
 * its skbs) and the devices (disk, DMA engine, NIC TX ring, loopback), drawn from a ViewState. Every element that
 * holds a page carries data-frame, so that an event's motion can find where it starts and ends.
 */
import { html, nothing, type TemplateResult } from "lit";
import { CopyWhat, Dev } from "../scenario/abi.js";
import type { Compiled } from "../scenario/types.js";
import { callName, fmtBytes, motionOf, type WEvent } from "./events.js";
import { isCacheFrame, type ViewState } from "./state.js";

const PAGE = 4096;
const MAX_CELLS = 256;
const RING_WINDOW = 32;

/** A place in the data path: a card (role) and, inside it, the element holding a frame, slot, skb or descriptor. */
export interface Place { role: string; frame?: number; slot?: number; skb?: number; desc?: number; }

/** Where an event's motion starts and ends (undefined: the event moves nothing visible). */
export function endpoints(e: WEvent, s: ViewState): { from?: Place; to?: Place } {
  const cacheOr = (frame: number, other: string): Place => ({ role: isCacheFrame(s, frame) ? "cache" : other, frame });
  switch (e.kind) {
    case "CPU_COPY":
      switch (e.d) {
        case CopyWhat.TO_USER: return { from: cacheOr(e.a, "socket"), to: { role: "buffer", frame: e.b } };
        case CopyWhat.FROM_USER: return { from: { role: "buffer", frame: e.a }, to: s.cache.has(e.b) ? { role: "cache", frame: e.b } : { role: "socket", frame: e.b } };
        case CopyWhat.LINEARIZE: return { from: cacheOr(e.a, "buffer"), to: { role: "socket", frame: e.b } };
        case CopyWhat.PEER_TO_USER: return { from: { role: "loopback" }, to: { role: "peer", frame: e.b } };
        default: return { from: cacheOr(e.a, "buffer"), to: cacheOr(e.b, "socket") };
      }
    case "DMA":
      if (e.a === Dev.DISK) return { from: { role: "disk" }, to: { role: "cache", frame: e.c } };
      if (e.a === Dev.NIC) return { from: cacheOr(e.b, "socket"), to: { role: "nic", frame: e.b } };
      return { from: cacheOr(e.b, "buffer"), to: cacheOr(e.c, "buffer") };
    case "PIPE_PUSH":
      return { from: cacheOr(e.c, "buffer"), to: { role: "pipe", slot: e.b } };
    case "PIPE_POP":
      return { from: { role: "pipe", slot: e.b }, to: { role: "socket" } };
    case "SKB_FRAG": {
      // the reference comes out of the pipe when a pipe holds it (splice, sendfile's internal pipe)
      const inPipe = [...s.pipes.values()].some((p) => [...p.values()].some((sl) => sl.frame === e.b));
      return { from: inPipe ? { role: "pipe", frame: e.b } : cacheOr(e.b, "buffer"), to: { role: "socket", skb: e.a } };
    }
    case "DESC_POST":
      return { from: cacheOr(e.b, "socket"), to: { role: "nic", desc: e.a } };
    case "XMIT":
      return { from: { role: "socket", skb: e.a }, to: { role: e.b === Dev.LOOPBACK ? "loopback" : "nic" } };
    case "DELIVER":
      return { from: { role: s.lastDev === Dev.NIC ? "nic" : "loopback" }, to: { role: "peer" } };
    case "PTE_SET":
      return isCacheFrame(s, e.b) ? { from: { role: "cache", frame: e.b }, to: { role: "buffer", frame: e.b } } : { to: { role: "buffer", frame: e.b } };
    case "CACHE_ADD":
      return { to: { role: "cache", frame: e.d } };
    case "CSUM":
      return { from: cacheOr(e.a, "socket"), to: { role: "process" } };
    case "BLOCK_RQ":
      return { from: { role: "cache" }, to: { role: "disk" } };
    case "SYS_ENTER": case "SYS_EXIT": case "FAULT": case "SIGNAL": case "WAIT": case "MODE_SWITCH": case "USER_OP":
      return { to: { role: "process" } };
    case "PAGE_REF": case "PAGE_UNREF": case "PAGE_FREE":
      return { to: cacheOr(e.a, "buffer") };
    default:
      return {};
  }
}

/** The CSS selector of a place inside the data path. */
export function selectorOf(p: Place): string {
  let sel = `[data-role="${p.role}"]`;
  if (p.frame !== undefined) sel += ` [data-frame="${p.frame}"]`;
  else if (p.slot !== undefined) sel += ` [data-slot="${p.slot}"]`;
  else if (p.skb !== undefined) sel += ` [data-skb="${p.skb}"]`;
  else if (p.desc !== undefined) sel += ` [data-desc="${p.desc}"]`;
  return sel;
}

export interface PathInfo {
  compiled: Compiled;
  /** a short text of the current call's arguments */
  callText: string;
  event: WEvent | null;
}

export function renderDataPath(s: ViewState, info: PathInfo): TemplateResult {
  const { compiled } = info;
  const sinks = new Set(compiled.sinks.map((k) => k.kind));
  const hasTcp = sinks.has("tcp");
  const hasNic = sinks.has("nic");
  const mode = s.inKernel ? "kernel" : "user";
  const calling = s.call ? callName(s.call.id) : "";

  // user buffer: frames the CPU copied in/out, then the process's mappings (private or shared with the page cache)
  const userCells: TemplateResult[] = [];
  for (const f of s.userFrames) {
    if (userCells.length >= MAX_CELLS) break;
    userCells.push(html`<span class="cell on user" data-frame=${f} title="frame ${f}: private copy in the user buffer"></span>`);
  }
  const mapped = [...s.ptes.values()].sort((a, b) => a.vaddr - b.vaddr);
  const sharedCount = mapped.filter((m) => isCacheFrame(s, m.frame)).length;
  for (const m of mapped) {
    if (userCells.length >= MAX_CELLS) break;
    if (s.userFrames.has(m.frame)) continue;
    const shared = isCacheFrame(s, m.frame);
    userCells.push(html`<span class="cell on ${shared ? "shared" : "user"}" data-frame=${m.frame}
      title="${"0x" + m.vaddr.toString(16)} → frame ${m.frame}${shared ? " (the page cache's own page: shared)" : ""}"></span>`);
  }
  const bufBytes = compiled.bufs.reduce((n, b) => n + b.size, 0);

  // page cache: one row per file (inode i + 1 is the scenario's file i; sink files follow), one cell per page
  const files = new Map<number, { name: string; pages: number; byIndex: Map<number, number>; setup: number[] }>();
  for (const f of compiled.files) files.set(f.id + 1, { name: f.name, pages: Math.ceil(f.size / PAGE), byIndex: new Map(), setup: [] });
  const sinkFiles = compiled.sinks.filter((k) => k.kind === "file");
  for (const p of s.cache.values()) {
    let row = files.get(p.file);
    if (!row) {
      const sink = sinkFiles[p.file - compiled.files.length - 1];
      files.set(p.file, (row = { name: sink ? `${sink.name} (sink)` : `inode ${p.file}`, pages: 0, byIndex: new Map(), setup: [] }));
    }
    row.byIndex.set(p.index, p.frame);
    row.pages = Math.max(row.pages, p.index + 1);
  }
  // pages setup left in the cache (warm files): the trace names their frames only as the run touches them
  let setupLeft = s.setupResident;
  for (const f of compiled.files) {
    if (f.cache !== "warm" || setupLeft <= 0) continue;
    const row = files.get(f.id + 1)!;
    const n = Math.min(setupLeft, row.pages);
    row.setup = Array.from({ length: n }, (_, i) => s.setupFrames[s.setupResident - setupLeft + i] ?? -1);
    setupLeft -= n;
  }
  const mappedFrames = new Set(mapped.map((m) => m.frame));
  let cachedPages = 0;
  const cacheRows = [...files.values()].map((row) => {
    const cells: TemplateResult[] = [];
    const shown = Math.min(row.pages, MAX_CELLS);
    let present = 0;
    for (let i = 0; i < shown; i++) {
      const f = row.byIndex.get(i) ?? (i < row.setup.length ? row.setup[i] : undefined);
      if (f === undefined) { cells.push(html`<span class="cell" title="page ${i}: not cached"></span>`); continue; }
      present++;
      cells.push(f < 0
        ? html`<span class="cell on" title="a page setup left in the cache (its frame shows when the run touches it)"></span>`
        : html`<span class="cell on ${mappedFrames.has(f) ? "shared" : ""}" data-frame=${f} title="${row.byIndex.has(i) ? `page ${i}` : "a page setup left"} in frame ${f}${s.refs.has(f) ? `, ${s.refs.get(f)} refs` : ""}"></span>`);
    }
    present += Math.max(0, Math.max(row.byIndex.size, row.setup.length) - shown);
    cachedPages += present;
    return html`<div class="row-label">${row.name} · ${Math.max(row.byIndex.size, row.setup.length)}/${row.pages} pages cached</div>
      <div class="cells">${cells}${row.pages > shown ? html`<span class="more">+${row.pages - shown} pages</span>` : nothing}</div>`;
  });

  // pipes: the default ring has 16 slots; a larger one (F_SETPIPE_SZ) shows as many as it used
  const pipes = [...s.pipes.entries()];
  const pipeUsed = pipes.length > 0 || s.pos > 0 && info.compiled.steps.some((st) => st.call === "pipe" || st.call === "pipe2" || st.call === "splice");
  const pipeCards = (pipes.length ? pipes : [[0, new Map()] as [number, Map<number, { slot: number; frame: number; len: number }>]]).map(([id, slots]) => {
    const n = Math.max(16, ...[...slots.keys()].map((k) => k + 1));
    const cells: TemplateResult[] = [];
    for (let i = 0; i < Math.min(n, 64); i++) {
      const sl = slots.get(i);
      cells.push(html`<span class="slot ${sl ? "on" : ""}" data-slot=${i} data-frame=${sl ? sl.frame : nothing}
        title=${sl ? `slot ${i}: a reference to frame ${sl.frame}, ${sl.len} bytes` : `slot ${i}: empty`}>${sl ? sl.frame : ""}</span>`);
    }
    return html`<div class="row-label">pipe ${id} · ${slots.size} of ${n} slots hold page references</div><div class="slots">${cells}</div>`;
  });

  const skbs = [...s.skbs.values()].slice(-8);
  const ringIdx = [...s.ring.keys()];
  const last = ringIdx.length ? Math.max(...ringIdx) : 0;
  const ringSize = Number(compiled.params.nicTxRing ?? 256);
  const base = Math.floor(last / RING_WINDOW) * RING_WINDOW;
  const descs: TemplateResult[] = [];
  for (let i = base; i < Math.min(base + RING_WINDOW, ringSize); i++) {
    const d = s.ring.get(i);
    descs.push(html`<span class="slot ${d ? "on" : ""} ${d?.done ? "done" : ""}" data-desc=${i} data-frame=${d ? d.frame : nothing}
      title=${d ? `descriptor ${i}: frame ${d.frame}, ${d.len} bytes${d.eop ? ", EOP" : ""}${d.done ? ", DD" : ""}` : `descriptor ${i}: free`}>${d ? (d.eop ? "E" : "·") : ""}</span>`);
  }

  const m = info.event ? motionOf(info.event) : "none";
  return html`
    <div class="path m-${m}" part="datapath">
      <section class="lane user" aria-label="User space">
        <h3>User space</h3>
        <div class="cards">
          <div class="card process" data-role="process">
            <h4>Process <span class="mode ${mode}">${mode} mode</span></h4>
            <div class="call">${info.callText || (calling ? `${calling}()` : "—")}</div>
          </div>
          <div class="card buffer ${userCells.length ? "" : "idle"}" data-role="buffer">
            <h4>Buffer &amp; mappings <small>${bufBytes ? fmtBytes(bufBytes) : mapped.length ? `${mapped.length} PTEs` : "none"}</small></h4>
            <div class="cells">${userCells.length ? userCells : html`<span class="sub">no user pages touched</span>`}</div>
            ${sharedCount ? html`<div class="sub">${sharedCount} mapped page${sharedCount === 1 ? " is" : "s are"} the page cache's own (shared)</div>` : nothing}
          </div>
          ${hasTcp ? html`<div class="card peer ${s.delivered.bytes ? "" : "idle"}" data-role="peer">
            <h4>TCP peer <small>${fmtBytes(s.delivered.bytes)}</small></h4>
            <div class="sub">reads and verifies${s.delivered.bytes && !s.delivered.intact ? " — DATA DAMAGED" : ""}</div>
          </div>` : html`<div class="card peer ${s.delivered.bytes ? "" : "idle"}" data-role="peer">
            <h4>Sink <small>${compiled.sinks.map((k) => k.kind).join(", ") || "none"}</small></h4>
            <div class="sub">${fmtBytes(s.delivered.bytes)} delivered${s.delivered.bytes && !s.delivered.intact ? " — DATA DAMAGED" : ""}</div>
          </div>`}
        </div>
      </section>
      <section class="lane kernel" aria-label="Kernel">
        <h3>Kernel</h3>
        <div class="cards">
          <div class="card cache wide" data-role="cache">
            <h4>Page cache <small>${cachedPages} pages</small></h4>
            ${cacheRows.length ? cacheRows : html`<div class="sub">empty</div>`}
          </div>
          <div class="card pipe ${pipeUsed ? "" : "idle"}" data-role="pipe">
            <h4>Pipe ring <small>pipe_buffer[]</small></h4>
            ${pipeCards}
          </div>
          <div class="card socket ${skbs.length || s.kbuf.length ? "" : "idle"}" data-role="socket">
            <h4>Socket <small>${s.skbs.size ? `skbs` : "no skbs"}</small></h4>
            <div class="skbs">
              ${s.kbuf.length ? html`<div class="skb" title="kernel pages the CPU copied payload into, for the next skb's linear part">
                <span class="id">new skb</span>${s.kbuf.slice(0, 16).map((f) => html`<span class="lin" data-frame=${f} title="frame ${f}: copied payload"></span>`)}
              </div>` : nothing}
              ${skbs.map((k) => html`<div class="skb ${k.sent ? "sent" : ""}" data-skb=${k.id}
                  title="skb ${k.id}: ${k.linear} linear bytes, ${k.frags.length} frags${k.sent ? " (sent)" : ""}">
                <span class="id">skb ${k.id}</span>
                ${k.linearFrames.length ? k.linearFrames.slice(0, 16).map((f) => html`<span class="lin" data-frame=${f} title="linear part: frame ${f} (copied)"></span>`)
                  : k.linear ? html`<span class="lin" style="width:${Math.min(60, 6 + k.linear / 1024)}px" title="linear part: ${k.linear} bytes (copied)"></span>` : nothing}
                ${k.frags.slice(0, 12).map((f) => html`<span class="frag" data-frame=${f.frame} title="frag: frame ${f.frame}, ${f.len} bytes at ${f.offset}">${f.frame}</span>`)}
                ${k.frags.length > 12 ? html`<span class="more">+${k.frags.length - 12}</span>` : nothing}
              </div>`)}
            </div>
          </div>
        </div>
      </section>
      <section class="lane dev" aria-label="Devices">
        <h3>Devices</h3>
        <div class="cards">
          <div class="card disk ${s.blockRequests || s.dmaBytes.disk ? "" : "idle"}" data-role="disk">
            <h4>Disk</h4>
            <div class="dev-stat">${s.blockRequests} requests · ${fmtBytes(s.dmaBytes.disk)} by DMA</div>
          </div>
          <div class="card dma ${s.dmaBytes.other ? "" : "idle"}" data-role="dma">
            <h4>DMA engine</h4>
            <div class="dev-stat">${fmtBytes(s.dmaBytes.other)}</div>
          </div>
          ${hasNic ? html`<div class="card nic wide" data-role="nic">
            <h4>NIC <small>TX ring ${base}–${Math.min(base + RING_WINDOW, ringSize) - 1} of ${ringSize}</small></h4>
            <div class="slots">${descs}</div>
            <div class="dev-stat">${s.xmit.nic} skbs sent · ${fmtBytes(s.dmaBytes.nic)} read by DMA
              · SG ${compiled.params.nicSg ? "on" : "off"} · csum offload ${compiled.params.nicCsum ? "on" : "off"}</div>
          </div>` : nothing}
          ${hasTcp || !hasNic ? html`<div class="card lo ${s.xmit.loopback ? "" : "idle"}" data-role="loopback">
            <h4>Loopback</h4>
            <div class="dev-stat">${s.xmit.loopback} skbs handed over (no DMA)</div>
          </div>` : nothing}
          ${hasNic ? nothing : html`<div class="card nic idle" data-role="nic"><h4>NIC</h4><div class="dev-stat">not used (sink: ${[...sinks].join(", ") || "none"})</div></div>`}
        </div>
      </section>
      <div class="overlay" aria-hidden="true"></div>
    </div>
    <div class="legend" aria-hidden="true">
      <span><i class="sw copy"></i>CPU copy</span>
      <span><i class="sw dma"></i>DMA transfer</span>
      <span><i class="sw ref"></i>reference hand-off</span>
      <span><i class="sw shared"></i>shared page</span>
    </div>`;
}
