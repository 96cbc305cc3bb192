/** The element's styles. Every colour and size a page may want to change is a CSS custom property (--zcsim-*). */
import { css } from "lit";

export const styles = css`
  :host {
    --zcsim-bg: #ffffff;
    --zcsim-fg: #1d2430;
    --zcsim-muted: #5b6575;
    --zcsim-panel: #f5f7fa;
    --zcsim-border: #d5dbe3;
    --zcsim-accent: #3b5bdb;
    --zcsim-focus: #f59f00;
    --zcsim-copy: #e8590c;
    --zcsim-dma: #1c7ed6;
    --zcsim-ref: #7048e8;
    --zcsim-shared: #d6336c;
    --zcsim-page: #adb5bd;
    --zcsim-user: #e7f5ff;
    --zcsim-kernel: #fff9db;
    --zcsim-dev: #ebfbee;
    --zcsim-radius: 8px;
    --zcsim-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    --zcsim-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    --zcsim-cell: 12px;
    --zcsim-duration: 600ms;

    display: block;
    box-sizing: border-box;
    max-width: 100%;
    min-width: 0;
    color: var(--zcsim-fg);
    background: var(--zcsim-bg);
    font: 14px/1.4 var(--zcsim-font);
    border: 1px solid var(--zcsim-border);
    border-radius: var(--zcsim-radius);
    padding: 10px;
    contain: layout;
  }
  :host(:focus-visible) { outline: 3px solid var(--zcsim-focus); outline-offset: 2px; }
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }
  h2, h3, h4 { margin: 0; font-weight: 600; }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin-bottom: 8px; }
  header h2 { font-size: 1.05rem; }
  header .params { color: var(--zcsim-muted); font: 12px var(--zcsim-mono); overflow-wrap: anywhere; }
  .error { color: #c92a2a; background: #fff5f5; border: 1px solid #ffc9c9; border-radius: var(--zcsim-radius); padding: 8px; }
  .loading { color: var(--zcsim-muted); padding: 8px; display: flex; align-items: center; gap: 10px; }
  /* a run stopped (its caps, the watchdog, Stop): one line and a way to run again */
  .stopped { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 8px; border: 1px solid var(--zcsim-border); border-radius: var(--zcsim-radius); }
  .stopped .why { flex: 1 1 20em; overflow-wrap: anywhere; }

  /* controls */
  .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 8px; }
  button, select {
    font: inherit; color: var(--zcsim-fg); background: var(--zcsim-panel); border: 1px solid var(--zcsim-border);
    border-radius: 6px; padding: 4px 10px; min-height: 32px; min-width: 36px; cursor: pointer;
  }
  button { display: inline-flex; align-items: center; justify-content: center; gap: 4px; }
  button:hover:not(:disabled) { border-color: var(--zcsim-accent); }
  button:disabled { opacity: .45; cursor: default; }
  button.primary { background: var(--zcsim-accent); color: #fff; border-color: var(--zcsim-accent); min-width: 72px; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--zcsim-focus); outline-offset: 1px; }
  .controls label { display: inline-flex; align-items: center; gap: 4px; color: var(--zcsim-muted); font-size: 12px; }
  .position { font: 12px var(--zcsim-mono); color: var(--zcsim-muted); margin-left: auto; white-space: nowrap; }
  input[type="range"] { flex: 1 1 100%; min-width: 0; accent-color: var(--zcsim-accent); }
  .now {
    min-height: 2.8em; padding: 6px 10px; margin-bottom: 8px; border-radius: 6px; background: var(--zcsim-panel);
    border-left: 4px solid var(--zcsim-border);
  }
  .now.copy { border-left-color: var(--zcsim-copy); }
  .now.dma { border-left-color: var(--zcsim-dma); }
  .now.ref { border-left-color: var(--zcsim-ref); }
  .now .kind { font: 600 11px var(--zcsim-mono); color: var(--zcsim-muted); margin-right: 6px; }

  /* layout: the data path beside the counters on a wide screen, stacked on a narrow one */
  .main { display: grid; grid-template-columns: minmax(0, 1fr); gap: 10px; }
  @media (min-width: 900px) { .main { grid-template-columns: minmax(0, 1fr) 260px; } }
  :host([compact]) .main { grid-template-columns: minmax(0, 1fr); }

  /* the data path */
  .path { position: relative; display: grid; gap: 6px; }
  .lane { border-radius: var(--zcsim-radius); padding: 6px; display: grid; gap: 6px; }
  .lane > h3 { font-size: 11px; letter-spacing: .06em; text-transform: uppercase; color: var(--zcsim-muted); }
  .lane.user { background: var(--zcsim-user); }
  .lane.kernel { background: var(--zcsim-kernel); }
  .lane.dev { background: var(--zcsim-dev); }
  .cards { display: flex; flex-wrap: wrap; gap: 6px; }
  .card {
    flex: 1 1 140px; min-width: 0; background: var(--zcsim-bg); border: 1px solid var(--zcsim-border);
    border-radius: 6px; padding: 5px 7px; transition: box-shadow .2s, border-color .2s, opacity .2s;
  }
  .card.idle { opacity: .55; }
  .card h4 { font-size: 12px; display: flex; justify-content: space-between; gap: 6px; }
  .card h4 small { font-weight: 400; color: var(--zcsim-muted); font-family: var(--zcsim-mono); }
  .card .sub { font-size: 11px; color: var(--zcsim-muted); overflow-wrap: anywhere; }
  .card.wide { flex-basis: 100%; }
  .hl-src { box-shadow: 0 0 0 2px var(--hl, var(--zcsim-accent)); }
  .hl-dst { box-shadow: 0 0 0 2px var(--hl, var(--zcsim-accent)), 0 0 10px var(--hl, var(--zcsim-accent)); }
  .m-copy { --hl: var(--zcsim-copy); }
  .m-dma { --hl: var(--zcsim-dma); }
  .m-ref { --hl: var(--zcsim-ref); }
  .call { font: 12px var(--zcsim-mono); overflow-wrap: anywhere; }
  .mode { font: 600 10px var(--zcsim-mono); padding: 1px 5px; border-radius: 4px; background: var(--zcsim-user); border: 1px solid var(--zcsim-border); }
  .mode.kernel { background: var(--zcsim-kernel); }

  .cells { display: flex; flex-wrap: wrap; gap: 2px; margin-top: 3px; }
  .cell {
    width: var(--zcsim-cell); height: var(--zcsim-cell); border-radius: 2px; background: transparent;
    border: 1px dashed var(--zcsim-border);
  }
  .cell.on { background: var(--zcsim-page); border: 1px solid transparent; }
  .cell.user { background: var(--zcsim-copy); }
  .cell.shared { background: var(--zcsim-shared); }
  .cell.hl { outline: 2px solid var(--zcsim-fg); outline-offset: 1px; }
  .more { font-size: 11px; color: var(--zcsim-muted); align-self: center; }
  .row-label { font: 10px var(--zcsim-mono); color: var(--zcsim-muted); margin-top: 3px; }

  .slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(24px, 1fr)); gap: 2px; margin-top: 3px; }
  .pipe .slots { grid-template-columns: repeat(8, minmax(0, 1fr)); }
  .slot {
    height: 18px; border: 1px solid var(--zcsim-border); border-radius: 3px; font: 9px/16px var(--zcsim-mono);
    text-align: center; color: var(--zcsim-muted); overflow: hidden;
  }
  .slot.on { border-color: var(--zcsim-ref); color: var(--zcsim-ref); background: color-mix(in srgb, var(--zcsim-ref) 12%, transparent); }
  .slot.done { border-style: dashed; }

  .skbs { display: flex; flex-direction: column; gap: 3px; margin-top: 3px; }
  .skb { display: flex; align-items: center; gap: 3px; font: 10px var(--zcsim-mono); flex-wrap: wrap; }
  .skb.sent { opacity: .5; }
  .skb .id { color: var(--zcsim-muted); min-width: 3.2em; }
  .lin { height: 12px; min-width: 6px; background: var(--zcsim-copy); border-radius: 2px; }
  .lin[data-frame] { width: var(--zcsim-cell); height: var(--zcsim-cell); }
  .notice { font-size: 12px; color: #a61e4d; margin: -4px 0 8px; }
  .frag {
    height: 12px; padding: 0 3px; border: 1px solid var(--zcsim-ref); color: var(--zcsim-ref); border-radius: 2px;
    line-height: 10px; font-size: 9px;
  }

  .dev-stat { font: 11px var(--zcsim-mono); color: var(--zcsim-muted); }

  /* motions: a CPU copy, a DMA transfer, a reference hand-off */
  .overlay { position: absolute; inset: 0; pointer-events: none; overflow: visible; }
  .token { position: absolute; left: 0; top: 0; will-change: transform, opacity; }
  .token.copy { width: 16px; height: 16px; background: var(--zcsim-copy); border-radius: 2px; box-shadow: 0 1px 3px rgb(0 0 0 / .3); }
  .token.dma { width: 18px; height: 18px; border: 2px dashed var(--zcsim-dma); background: color-mix(in srgb, var(--zcsim-dma) 18%, transparent); border-radius: 2px; }
  .token.ref { height: 2px; background: var(--zcsim-ref); transform-origin: 0 50%; }
  .token.ref::after {
    content: ""; position: absolute; right: -2px; top: -4px; border: 5px solid transparent; border-left: 8px solid var(--zcsim-ref);
    border-right: 0;
  }

  .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 11px; color: var(--zcsim-muted); margin-top: 4px; }
  .legend span { display: inline-flex; align-items: center; gap: 4px; }
  .sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
  .sw.copy { background: var(--zcsim-copy); }
  .sw.dma { border: 2px dashed var(--zcsim-dma); }
  .sw.ref { height: 2px; width: 16px; background: var(--zcsim-ref); }
  .sw.shared { background: var(--zcsim-shared); }

  /* counters */
  .counters table { width: 100%; border-collapse: collapse; font-size: 12px; }
  .counters th, .counters td { padding: 2px 4px; text-align: right; border-bottom: 1px solid var(--zcsim-border); }
  .counters th:first-child, .counters td:first-child { text-align: left; }
  .counters thead th { font-weight: 600; color: var(--zcsim-muted); font-size: 11px; }
  .counters td.v { font-family: var(--zcsim-mono); }
  .counters tr.changed td.v.model { background: color-mix(in srgb, var(--zcsim-focus) 25%, transparent); }
  .counters td .t { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 4px; }
  .counters .t.copy { background: var(--zcsim-copy); }
  .counters .t.dma { background: var(--zcsim-dma); }
  .counters .t.ref { background: var(--zcsim-ref); }
  .ev-measured { color: inherit; }
  .ev-derived { font-style: italic; }
  .ev-unobservable, .ev-unavailable { color: var(--zcsim-muted); }
  .native-label { font-size: 11px; color: var(--zcsim-muted); margin-top: 4px; }

  /* page tables */
  details.pt { margin-top: 8px; border: 1px solid var(--zcsim-border); border-radius: 6px; padding: 4px 8px; }
  details.pt summary { cursor: pointer; font-weight: 600; font-size: 13px; }
  .pt-levels { display: flex; flex-wrap: wrap; gap: 4px 10px; font: 11px var(--zcsim-mono); color: var(--zcsim-muted); margin: 4px 0; }
  .pt table { border-collapse: collapse; font: 11px var(--zcsim-mono); width: 100%; }
  .pt th, .pt td { padding: 1px 4px; text-align: right; border-bottom: 1px solid var(--zcsim-border); white-space: nowrap; }
  .pt th:first-child, .pt td:first-child, .pt th:last-child, .pt td:last-child { text-align: left; }
  .pt tr.shared td.frame { color: var(--zcsim-shared); font-weight: 700; }
  .pt tr.new { background: color-mix(in srgb, var(--zcsim-ref) 12%, transparent); }
  .pt .scroll { overflow-x: auto; max-height: 240px; overflow-y: auto; }
  .pt small.tf { color: var(--zcsim-muted); margin-left: 2px; font-size: 9px; }
  .pt .none { color: var(--zcsim-muted); font-size: 12px; padding: 4px 0; }

  @media (max-width: 480px) {
    :host { padding: 6px; font-size: 13px; }
    .card { flex-basis: 100%; }
    .controls button { padding: 4px 8px; }
  }
  @media (prefers-reduced-motion: reduce) {
    .card { transition: none; }
  }
`;
