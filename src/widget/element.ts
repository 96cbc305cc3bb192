/**
 * <zerocopy-sim>: a live, step-by-step simulation of one scenario, for a course page.
 *
 *   <script type="module" src="zerocopy-sim.js"></script>
 *   <zerocopy-sim scenario="sendfile" params="fileSize=64KiB chunk=16KiB"></zerocopy-sim>
 *
 * Attributes: scenario, src, params, speed, autoplay, native, wasm, timeout (docs/embedding.md). Events: zcsim-ready,
 * zcsim-step, zcsim-end, zcsim-error. Each element runs its own instance of the model, in a Web Worker it owns
 * (sim.ts): a run that does not end is stopped by terminating that worker, and the page never waits for it.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { compile, compileByName, parseSets, ScenarioError, type Compiled } from "../scenario/index.js";
import { Call } from "../scenario/abi.js";
import type { Result } from "../result.js";
import { callName, describe, errnoName, motionOf, type WEvent } from "./events.js";

/** A call argument: addresses in hex, the rest in decimal. */
const fmtArg = (v: number) => (Math.abs(v) >= 0x100000000 ? "0x" + v.toString(16) : String(v));
import { StateFolder, type ViewState } from "./state.js";
import { renderDataPath, endpoints, selectorOf } from "./datapath.js";
import { renderPageTables } from "./pagetable.js";
import { fmtCounter, readCounters, visibleRows, type Flat } from "./counters.js";
import { ModelLink, Playback, RunStopped } from "./sim.js";
import { DEFAULT_MAX_STEPS, DEFAULT_MODEL_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from "../scenario/limits.js";
import type { Stopped } from "../model/simulator.js";
import { styles } from "./styles.js";

/** Control icons as inline SVG (no font needed). */
const icon = (d: string) => html`<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d=${d} fill="currentColor"/></svg>`;
const ICON = {
  reset: icon("M2 2h2v12H2zM14 2v12L5 8z"),
  back: icon("M13 2v12L4 8zM2 2h2v12H2z"),
  play: icon("M4 2v12l10-6z"),
  pause: icon("M3 2h4v12H3zM9 2h4v12H9z"),
  step: icon("M3 2v12l9-6zM12 2h2v12h-2z"),
  end: icon("M2 2v12l9-6zM12 2h2v12h-2z"),
};

/** Most events an element keeps by default (`traceCap=` in params overrides it). */
const TRACE_CAP = 200_000;

/** A run that takes longer than this (ms) replaces the previous run's views with "Running the model…" and Stop;
 *  a quicker one (most: a few ms) swaps the views without a flash. */
const SLOW_MS = 300;

/** Speeds offered, in events per second. */
const SPEEDS = [1, 2, 4, 8, 16, 32, 64, 256];

/** Detail of `zcsim-step`. */
export interface StepDetail {
  /** events played so far (0: none) */
  position: number;
  length: number;
  /** the event just played (null at position 0), its operands as a..f (see Ev in abi.ts) */
  event: WEvent | null;
  /** the same event as the model decoded it: { seq, kind, ...named fields } (null at position 0) */
  raw: unknown;
  description: string;
  /** the model's counters at this position, by Result path ("copies.cpu.bytes", "kernel.pageRefs") */
  counters: Flat;
}
/** Detail of `zcsim-ready`. */
export interface ReadyDetail { scenario: string; title: string; params: Compiled["params"]; length: number; result: Result; }
/** Detail of `zcsim-end`. */
export interface EndDetail { result: Result; counters: Flat; }
/** Detail of `zcsim-error`: `field` names the offending attribute or scenario field ("params.chunk"). */
export interface ErrorDetail { message: string; field?: string; }

/** Parses the params attribute: "fileSize=64KiB chunk=16KiB nicSg=on" (spaces, commas or semicolons between). */
export function parseParamsAttr(text: string | null | undefined): Record<string, string> {
  const parts = (text ?? "").split(/[\s,;]+/).filter(Boolean);
  try {
    return parseSets(parts);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError("params", `"${e.path.replace(/^--set /, "")}": expected key=value, e.g. chunk=4KiB`);
    throw e;
  }
}

/**
 * Why the model's caps stopped a run (docs/limits.md), in the element's terms: its `timeout` attribute is the
 * wall-time cap (the model's own detail names the CLI's flags).
 */
function timeoutLine(st: Stopped | undefined, timeoutMs: number): string {
  if (!st) return "stopped by the model's caps";
  if (st.reason === "blocked") return st.detail;
  const cap = st.cap === "time" ? `the element's timeout of ${timeoutMs / 1000} s` : `the model's cap of ${DEFAULT_MAX_STEPS.toLocaleString("en-US")} instructions`;
  return `looping: the program was still executing instructions (${st.steps.toLocaleString("en-US")} in ${st.ms} ms${st.at ? `, at ${st.at}` : ""}) when it reached ${cap}`;
}

export class ZeroCopySim extends LitElement {
  /** The element's styles (src/widget/styles.ts): themable through --zcsim-* custom properties. */
  static override styles = styles;
  static override properties = {
    scenario: { type: String, reflect: true },
    src: { type: String },
    params: { type: String },
    speed: { type: Number, reflect: true },
    autoplay: { type: Boolean },
    native: { type: String },
    wasm: { type: String },
    timeout: { type: Number },
    _status: { state: true },
    _pos: { state: true },
    _playing: { state: true },
    _error: { state: true },
    _native: { state: true },
    _ptOpen: { state: true },
    _slow: { state: true },
  };

  /** catalogue scenario name (sendfile, read-write, ...) */
  declare scenario: string;
  /** URL of a scenario JSON file (takes precedence over `scenario`) */
  declare src: string | undefined;
  /** parameter overrides: "fileSize=64KiB chunk=16KiB nicSg=on" */
  declare params: string | undefined;
  /** events per second while playing */
  declare speed: number;
  /** start playing once loaded */
  declare autoplay: boolean;
  /** URL of a `zcsim native --json` result shown beside the model's counters */
  declare native: string | undefined;
  /** URL of the model's wasm (default: beside this module) */
  declare wasm: string | undefined;
  /** the run's cap on wall time, s (the model's own cap; the worker is terminated 5 s past it without an answer) */
  declare timeout: number;

  declare private _status: "idle" | "loading" | "ready" | "error" | "stopped";
  declare private _pos: number;
  declare private _playing: boolean;
  declare private _error: ErrorDetail | null;
  declare private _native: Result | null;
  declare private _ptOpen: boolean;
  /** the run under way has taken longer than SLOW_MS: show it (and Stop) instead of the previous run's views */
  declare private _slow: boolean;

  /** the model, in the element's own worker (one per element, kept across reloads, replaced after a stop) */
  private link: ModelLink | null = null;
  /** when the run under way started (performance.now()), for the Stop message */
  private runStart = 0;
  /** a run was under way when the element left the page: run again when it returns */
  private rerunOnConnect = false;
  private playback: Playback | null = null;
  private folder: StateFolder | null = null;
  private view: ViewState | null = null;
  private counters: Flat = {};
  private prevCounters: Flat = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loadSeq = 0;
  private lastMove = 0;
  private reloadQueued = false;

  constructor() {
    super();
    this.scenario = "sendfile";
    this.speed = 4;
    this.timeout = DEFAULT_MODEL_TIMEOUT_MS / 1000;
    this.autoplay = false;
    this._status = "idle";
    this._pos = 0;
    this._playing = false;
    this._error = null;
    this._native = null;
    this._ptOpen = true;
    this._slow = false;
    this.addEventListener("keydown", (e) => this.onKey(e));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute("tabindex")) this.tabIndex = 0;
    if (!this.hasAttribute("role")) this.setAttribute("role", "group");
    if (!this.hasAttribute("aria-label")) this.setAttribute("aria-label", "zero-copy simulation");
    if (this.rerunOnConnect) { this.rerunOnConnect = false; this.queueReload(); }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pause();
    // the worker holds a whole model: let it go with the element; a run it had under way is forgotten (no
    // "stopped" for it) and made again if the element comes back
    if (this.link?.running) { this.rerunOnConnect = true; this.loadSeq++; }
    this.link?.dispose();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has("scenario") || changed.has("src") || changed.has("params") || changed.has("wasm") || changed.has("timeout")) this.queueReload();
    if (changed.has("native")) void this.loadNative();
    if (changed.has("speed") && this._playing) { this.pause(); this.play(); }
  }

  private queueReload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    queueMicrotask(() => { this.reloadQueued = false; void this.reload(); });
  }

  /** The compiled scenario the attributes describe (throws ScenarioError naming the field). */
  private async compiled(): Promise<Compiled> {
    // a page keeps every event it plays: unless the author says otherwise, keep at most TRACE_CAP of them
    const overrides: Record<string, string> = { traceCap: String(TRACE_CAP), ...parseParamsAttr(this.params) };
    if (this.src) {
      const res = await fetch(new URL(this.src, document.baseURI));
      if (!res.ok) throw new ScenarioError("src", `cannot fetch ${this.src}: HTTP ${res.status}`);
      let json: unknown;
      try { json = await res.json(); } catch (e) { throw new ScenarioError("src", `${this.src} is not JSON: ${(e as Error).message}`); }
      return compile(json, overrides);
    }
    return compileByName(this.scenario, overrides);
  }

  /** Loads the scenario afresh (called when scenario, src, params or wasm change). */
  async reload(): Promise<void> {
    const seq = ++this.loadSeq;
    this.pause();
    this._status = "loading";
    this._error = null;
    try {
      const timeoutMs = this.timeoutMs();
      const compiled = await this.compiled();
      const url = this.wasm ? new URL(this.wasm, document.baseURI).href : "";
      if (seq !== this.loadSeq) return;
      if (!this.link || this.link.url !== url) {
        // one model per element, kept across reloads: elements never share a model instance
        this.link?.dispose();
        this.link = new ModelLink(url);
      }
      this.runStart = performance.now();
      const slow = setTimeout(() => { if (seq === this.loadSeq) this._slow = true; }, SLOW_MS);
      const run = await this.link.run(compiled, { trace: true, timeoutMs }).finally(() => clearTimeout(slow));
      if (seq !== this.loadSeq) return;
      this._slow = false;
      if (run.status === "TIMEOUT") {
        this.stopped(`TIMEOUT, ${timeoutLine(run.stopped, timeoutMs)}`);
        return;
      }
      const pb = new Playback(compiled, run);
      this.playback = pb;
      this.folder = new StateFolder(pb.events);
      this._status = "ready";
      this.goto(0, false);
      this.emit<ReadyDetail>("zcsim-ready", { scenario: compiled.name, title: compiled.title, params: compiled.params, length: pb.length, result: pb.result });
      if (this.autoplay) this.play();
    } catch (e) {
      if (seq !== this.loadSeq) return;
      this._slow = false;
      if (e instanceof RunStopped) this.stopped(`${e.message} (the model's worker was terminated)`);
      else this.fail(e);
    }
  }

  /** The `timeout` attribute in ms, checked (a ScenarioError naming it otherwise). */
  private timeoutMs(): number {
    const s = this.timeout ?? DEFAULT_MODEL_TIMEOUT_MS / 1000; // the attribute removed: the default
    if (typeof s !== "number" || !Number.isFinite(s) || s * 1000 < MIN_TIMEOUT_MS || s * 1000 > MAX_TIMEOUT_MS) {
      const shown = this.getAttribute("timeout") ?? String(s);
      throw new ScenarioError("timeout", `"${shown}" is not a number of seconds from ${MIN_TIMEOUT_MS / 1000} to ${MAX_TIMEOUT_MS / 1000}`);
    }
    return Math.round(s * 1000);
  }

  /** The run ended without a result to play: say why in one line (and in zcsim-error); a new run works. */
  private stopped(why: string): void {
    const message = `stopped: ${why}`;
    this._status = "stopped";
    this._error = { message };
    this.playback = null;
    this.emit<ErrorDetail>("zcsim-error", { message });
  }

  private fail(e: unknown): void {
    const field = e instanceof ScenarioError ? e.path : undefined;
    const message = e instanceof Error ? e.message : String(e);
    this._status = "error";
    this._error = { message, field };
    this.playback = null;
    this.emit<ErrorDetail>("zcsim-error", { message, field });
  }

  private async loadNative(): Promise<void> {
    this._native = null;
    if (!this.native) return;
    try {
      const res = await fetch(new URL(this.native, document.baseURI));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this._native = (await res.json()) as Result;
    } catch (e) {
      this.emit<ErrorDetail>("zcsim-error", { message: `native: cannot load ${this.native}: ${(e as Error).message}`, field: "native" });
    }
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  // ---- the public controls -------------------------------------------------------------------------------------

  /** Events in the loaded run (0 before it is loaded). */
  get length(): number { return this.playback?.length ?? 0; }
  /** Events played so far. */
  get position(): number { return this._pos; }
  /** The whole run's result (null before it is loaded). */
  get result(): Result | null { return this.playback?.result ?? null; }
  /** The model's counters at the current position. */
  get currentCounters(): Flat { return { ...this.counters }; }
  get playing(): boolean { return this._playing; }

  /** Plays one event forward; returns false at the end. */
  step(): boolean {
    if (!this.playback || this._pos >= this.length) return false;
    this.goto(this._pos + 1);
    return true;
  }
  /** Undoes the last event; returns false at the start. */
  back(): boolean {
    if (!this.playback || this._pos <= 0) return false;
    this.goto(this._pos - 1);
    return true;
  }
  reset(): void { this.pause(); this.goto(0); }
  /** Moves to `n` events played. */
  seek(n: number): void { this.goto(n); }
  play(): void {
    if (!this.playback || this._playing) return;
    if (this._pos >= this.length) this.goto(0);
    this._playing = true;
    const tick = () => {
      if (!this._playing) return;
      if (!this.step()) { this.pause(); return; }
      this.timer = setTimeout(tick, 1000 / Math.max(0.1, this.speed || 4));
    };
    this.timer = setTimeout(tick, 0);
  }
  pause(): void {
    this._playing = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
  toggle(): void { if (this._playing) this.pause(); else this.play(); }
  /** Stops the model's run under way (its worker is terminated): the element shows "stopped: …". No effect
   *  when no run is under way, or where the model runs on the page's thread (no workers). */
  stop(): void {
    if (!this.link?.running) return;
    this.link.stop(`Stop pressed after ${((performance.now() - this.runStart) / 1000).toFixed(1)} s`);
  }
  /** Runs the scenario again (after a stop, say). */
  rerun(): void { void this.reload(); }

  private goto(n: number, notify = true): void {
    const pb = this.playback;
    if (!pb || !this.folder) return;
    n = Math.max(0, Math.min(pb.length, Math.floor(n)));
    this.lastMove = n - this._pos;
    this.prevCounters = this.counters;
    this.counters = pb.countersAt(n);
    this.view = this.folder.at(n);
    this._pos = n;
    const event = n > 0 ? pb.events[n - 1] : null;
    if (notify) {
      this.emit<StepDetail>("zcsim-step", {
        position: n, length: pb.length, event, raw: n > 0 ? pb.raw[n - 1] : null, description: this.describe(event), counters: { ...this.counters },
      });
      if (n === pb.length) this.emit<EndDetail>("zcsim-end", { result: pb.result, counters: { ...this.counters } });
    }
  }

  private describe(e: WEvent | null): string {
    if (!e) return this.playback ? `Ready: ${this.playback.length} events. Press Play or → to step.` : "";
    return describe(e, this.argsText(e));
  }

  /** The arguments of the call an event enters, with the man page's names. */
  private argsText(e: WEvent): string {
    if (e.kind !== "SYS_ENTER") return "";
    const name = callName(e.a) as keyof typeof Call;
    const names = Call[name]?.args ?? [];
    const vals = [e.c, e.d, e.e, e.f];
    return names.slice(0, 4).map((n, i) => `${n}=${fmtArg(vals[i])}`).join(", ") + (names.length > 4 ? ", …" : "");
  }

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.composedPath()[0] as HTMLElement | undefined;
    const tag = t?.tagName;
    const inField = tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA";
    const onButton = tag === "BUTTON" || tag === "SUMMARY";
    switch (e.key) {
      case " ": case "k":
        if (onButton && e.key === " ") return; // the button's own click
        if (inField) return;
        this.toggle(); break;
      case "ArrowRight": case ".":
        if (inField) return;
        this.pause(); this.step(); break;
      case "ArrowLeft": case ",":
        if (inField) return;
        this.pause(); this.back(); break;
      case "Home":
        if (inField) return;
        this.reset(); break;
      case "End":
        if (inField) return;
        this.pause(); this.goto(this.length); break;
      default:
        return;
    }
    e.preventDefault();
  }

  // ---- rendering -------------------------------------------------------------------------------------------------

  protected override render(): TemplateResult {
    if (this._status === "error" && this._error) {
      return html`<div class="error" role="alert" part="error"><strong>zerocopy-sim:</strong> ${this._error.message}</div>`;
    }
    if (this._status === "stopped" && this._error) {
      return html`<div class="stopped" role="status" part="stopped"><span class="why">${this._error.message}</span>
        <button type="button" @click=${() => this.rerun()} aria-label="Run the scenario again">Run again</button></div>`;
    }
    const pb = this.playback;
    if (!pb || !this.view || (this._status === "loading" && this._slow)) {
      return html`<div class="loading" role="status"><span>Running the model…</span>
        ${this.link?.inWorker !== false ? html`<button type="button" class="stop" @click=${() => this.stop()}
          aria-label="Stop the model's run" title="Stop the run">Stop</button>` : nothing}</div>`;
    }
    const c = pb.compiled;
    const ev = this._pos > 0 ? pb.events[this._pos - 1] : null;
    const motion = ev ? motionOf(ev) : "none";
    const desc = this.describe(ev);
    const paramText = Object.entries(c.params).filter(([k]) => !["trace", "traceCap", "stepBudget"].includes(k))
      .map(([k, v]) => `${k}=${v}`).join(" ");
    const atEnd = this._pos >= pb.length;
    return html`
      <header>
        <h2 part="title">${c.title || c.name}</h2>
        <span class="params">${paramText}</span>
      </header>
      ${pb.events.length && pb.events[pb.events.length - 1].kind === "TRACE_CUT" ? html`<p class="notice" role="note">The trace was cut after
        ${pb.length - 1} events (${pb.events[pb.events.length - 1].a} more not kept): play a smaller file, or raise traceCap. The counters
        stop where the trace stops; the whole run's result is complete.</p>` : nothing}
      ${pb.result.notes?.length ? html`<p class="notice" role="note">${pb.result.notes.join(" ")}</p>` : nothing}
      <div class="controls" role="group" aria-label="Playback controls">
        <button type="button" @click=${() => this.reset()} ?disabled=${this._pos === 0 && !this._playing}
          aria-label="Reset to the start" aria-keyshortcuts="Home" title="Reset (Home)">${ICON.reset}</button>
        <button type="button" @click=${() => { this.pause(); this.back(); }} ?disabled=${this._pos === 0}
          aria-label="Step back" aria-keyshortcuts="ArrowLeft" title="Step back (←)">${ICON.back}</button>
        <button type="button" class="primary" @click=${() => this.toggle()} aria-pressed=${this._playing ? "true" : "false"}
          aria-label=${this._playing ? "Pause" : "Play"} aria-keyshortcuts="Space" title="Play/pause (Space)">${this._playing ? html`${ICON.pause} Pause` : html`${ICON.play} Play`}</button>
        <button type="button" @click=${() => { this.pause(); this.step(); }} ?disabled=${atEnd}
          aria-label="Step forward" aria-keyshortcuts="ArrowRight" title="Step forward (→)">${ICON.step}</button>
        <button type="button" @click=${() => { this.pause(); this.goto(pb.length); }} ?disabled=${atEnd}
          aria-label="Skip to the end" aria-keyshortcuts="End" title="To the end (End)">${ICON.end}</button>
        <label>speed
          <select aria-label="Speed in events per second" @change=${(e: Event) => { this.speed = Number((e.target as HTMLSelectElement).value); }}>
            ${SPEEDS.map((s) => html`<option value=${s} ?selected=${s === this.speed}>${s}/s</option>`)}
          </select>
        </label>
        <span class="position" part="position">event <output class="pos">${this._pos}</output> / ${pb.length}</span>
        <input type="range" min="0" max=${pb.length} .value=${String(this._pos)} aria-label="Position in the run (events)"
          @input=${(e: Event) => { this.pause(); this.goto(Number((e.target as HTMLInputElement).value)); }} />
      </div>
      <div class="now ${motion}" part="now">
        <span class="kind">${ev ? `#${ev.seq} ${ev.kind}` : "start"}</span>
        <span class="desc" aria-live=${this._playing ? "off" : "polite"} aria-atomic="true">${desc}</span>
      </div>
      <div class="main">
        <div>
          ${renderDataPath(this.view, { compiled: c, event: ev, callText: this.callText() })}
          ${renderPageTables(this.view, ev, this._ptOpen, (e: Event) => { this._ptOpen = (e.target as HTMLDetailsElement).open; })}
        </div>
        ${this.renderCounters()}
      </div>`;
  }

  private callText(): string {
    const v = this.view;
    if (!v?.call) return "";
    const name = callName(v.call.id) as keyof typeof Call;
    const names = Call[name]?.args ?? [];
    const args = names.slice(0, v.call.args.length).map((n, i) => `${n}=${fmtArg(v.call!.args[i])}`).join(", ") + (names.length > 4 ? ", …" : "");
    const ret = v.inKernel ? " …" : v.call.ret === undefined ? "" : v.call.errno ? ` = -1 ${errnoName(v.call.errno)}` : ` = ${fmtArg(v.call.ret)}`;
    return `${name}(${args})${ret}`;
  }

  private renderCounters(): TemplateResult {
    const nat = this._native;
    const native = nat ? readCounters(nat) : null;
    const rows = visibleRows(this.counters, native);
    const ev = nat?.evidence ?? {};
    // a counter's evidence is given for its path or for its parent ("syscalls" for "syscalls.total")
    const evidenceOf = (path: string) => ev[path] ?? ev[path.replace(/\.[^.]+$/, "")];
    const release = nat?.kernel?.kernelRelease ?? nat?.kernel?.release;
    const differs = nat && this.playback ? Object.entries(nat.params).filter(([k, v]) => this.playback!.compiled.params[k] !== v && !["trace", "traceCap", "stepBudget"].includes(k)) : [];
    return html`<section class="counters" aria-label="Counters" part="counters">
      <table>
        <caption class="native-label" style="caption-side:top;text-align:left">Counters after event ${this._pos}</caption>
        <thead><tr><th scope="col">counter</th><th scope="col">model</th>${native ? html`<th scope="col" title="the real kernel, measured by the native host">kernel</th>` : nothing}</tr></thead>
        <tbody>
          ${rows.map((r) => {
            const v = this.counters[r.path];
            const changed = this.lastMove !== 0 && v !== this.prevCounters[r.path];
            const evd = native ? evidenceOf(r.path) : undefined;
            const nv = native?.[r.path];
            return html`<tr class=${changed ? "changed" : ""} data-counter=${r.path}>
              <th scope="row" title=${r.doc} style="font-weight:400">${r.tone ? html`<i class="t ${r.tone}"></i>` : nothing}${r.label}</th>
              <td class="v model" data-value=${v ?? ""}>${fmtCounter(v, r.unit)}</td>
              ${native ? html`<td class="v native ev-${evd ?? "measured"}" data-value=${nv ?? ""}
                title=${evd ? `${evd}${nat?.unavailable?.[r.path] ? `: ${nat.unavailable[r.path]}` : ""}` : ""}>${nv === undefined && evd === "unobservable" ? "n/o" : fmtCounter(nv, r.unit)}${evd && evd !== "measured" && nv !== undefined ? "*" : ""}</td>` : nothing}
            </tr>`;
          })}
        </tbody>
      </table>
      ${native ? html`<div class="native-label">kernel: measured${release ? ` on Linux ${release}` : ""} by the native host (final counts of the whole run).
        * derived from the calls, not measured; n/o: not observable there.
        ${differs.length ? html`<br />Its run differs in ${differs.map(([k, v]) => `${k}=${v}`).join(" ")}.` : nothing}</div>` : nothing}
    </section>`;
  }

  private highlighted: Element[] = [];

  protected override updated(): void {
    // highlight where the current event's motion starts and ends, and animate it when moving forward
    for (const el of this.highlighted) el.classList.remove("hl-src", "hl-dst", "m-copy", "m-dma", "m-ref", "hl");
    this.highlighted = [];
    const pb = this.playback;
    const root = this.renderRoot as ShadowRoot;
    const path = root.querySelector<HTMLElement>(".path");
    if (!pb || !this.view || !path) return;
    // only a single step forward animates: anything else drops the motion under way
    if (this.lastMove !== 1) path.querySelector(".overlay")?.replaceChildren();
    if (this._pos === 0) return;
    const ev = pb.events[this._pos - 1];
    const { from, to } = endpoints(ev, this.view);
    const find = (p: typeof from) => (p ? root.querySelector(selectorOf(p)) ?? root.querySelector(`[data-role="${p.role}"]`) : null);
    const a = find(from);
    const b = find(to);
    const m = motionOf(ev);
    const mark = (el: Element | null, cls: string) => {
      if (!el) return;
      el.classList.add(cls, `m-${m}`);
      if (el.classList.contains("cell") || el.classList.contains("slot") || el.classList.contains("frag")) el.classList.add("hl");
      this.highlighted.push(el);
    };
    mark(a, "hl-src");
    mark(b, "hl-dst");
    if (this.lastMove === 1 && a && b && a !== b && m !== "none") this.fly(path, a, b, m);
  }

  private fly(path: HTMLElement, a: Element, b: Element, m: "copy" | "dma" | "ref"): void {
    if (typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    const overlay = path.querySelector<HTMLElement>(".overlay");
    if (!overlay || typeof overlay.animate !== "function") return;
    overlay.replaceChildren();
    const base = path.getBoundingClientRect();
    const ra = a.getBoundingClientRect();
    const rb = b.getBoundingClientRect();
    const x0 = ra.left + ra.width / 2 - base.left, y0 = ra.top + ra.height / 2 - base.top;
    const x1 = rb.left + rb.width / 2 - base.left, y1 = rb.top + rb.height / 2 - base.top;
    // while playing, a motion fits in one tick; a single step gets the time to be watched
    const dur = this._playing ? Math.max(120, Math.min(900, 0.85 * 1000 / Math.max(0.5, this.speed))) : 700;
    const tok = document.createElement("div");
    tok.className = `token ${m}`;
    overlay.append(tok);
    if (m === "ref") {
      // a pointer: a thin arrow that grows from the holder to the new holder; no data block moves
      const len = Math.hypot(x1 - x0, y1 - y0);
      const ang = Math.atan2(y1 - y0, x1 - x0);
      tok.style.width = `${len}px`;
      tok.style.transform = `translate(${x0}px, ${y0}px) rotate(${ang}rad)`;
      tok.animate([{ transform: `translate(${x0}px, ${y0}px) rotate(${ang}rad) scaleX(0)`, opacity: 1 },
        { transform: `translate(${x0}px, ${y0}px) rotate(${ang}rad) scaleX(1)`, opacity: 1, offset: 0.7 },
        { transform: `translate(${x0}px, ${y0}px) rotate(${ang}rad) scaleX(1)`, opacity: 0 }], { duration: dur, easing: "ease-out" })
        .finished.then(() => tok.remove(), () => tok.remove());
      return;
    }
    const h = m === "copy" ? 8 : 9;
    if (m === "copy") {
      // a copy: the block stays where it was and a duplicate travels to the destination
      const stay = document.createElement("div");
      stay.className = "token copy";
      stay.style.transform = `translate(${x0 - h}px, ${y0 - h}px)`;
      overlay.append(stay);
      stay.animate([{ opacity: 1 }, { opacity: 1, offset: 0.8 }, { opacity: 0 }], { duration: dur }).finished.then(() => stay.remove(), () => stay.remove());
    }
    tok.animate([{ transform: `translate(${x0 - h}px, ${y0 - h}px)`, opacity: 1 },
      { transform: `translate(${x1 - h}px, ${y1 - h}px)`, opacity: 1, offset: 0.85 },
      { transform: `translate(${x1 - h}px, ${y1 - h}px)`, opacity: 0 }], { duration: dur, easing: m === "dma" ? "linear" : "ease-in-out" })
      .finished.then(() => tok.remove(), () => tok.remove());
  }
}
