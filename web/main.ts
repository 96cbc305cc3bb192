/**
 * The demo site: pick a scenario and its knobs and watch it in <zerocopy-sim>; compare every strategy in a chart;
 * the classic article's claims beside the model's (computed here) and the kernel's (measured, bundled).
 */
import "../src/widget/index.ts";
import type { ZeroCopySim } from "../src/widget/element.ts";
import { catalogue, compileByName, MACHINE_PARAMS, scenarioNames, ScenarioError, type Compiled } from "../src/scenario/index.ts";
import type { Result } from "../src/result.ts";
import { newSimulator, type SimulatorLike } from "../src/widget/sim.ts";
import { ARTICLE, claimRows, type ClaimRow, type Counts } from "../src/node/claims.ts";
import measured from "./measured.json";
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const sim = $<ZeroCopySim>("sim");
const scenarioSel = $<HTMLSelectElement>("scenario");
const paramsBox = $<HTMLDivElement>("params");
const knobError = $<HTMLDivElement>("knob-error");

/** Choices for the string params the scenarios share. */
const CHOICES: Record<string, string[]> = {
  cache: ["warm", "cold"],
  sink: ["tcp", "nic", "file", "null"],
  copySink: ["tcp", "nic", "file", "null"],
  fill: ["write", "read", "none"],
};
/** Knobs of the machine the demo offers beside each scenario's own. */
const MACHINE_KNOBS = ["nicSg", "nicCsum", "faultAround"];
/** Params the demo sets for everything it compares, when a scenario declares them. */
const SHARED = ["fileSize", "chunk", "cache", "sink", "fill", "pipeSize", "nicSg", "nicCsum", "faultAround"];

const state: Record<string, string> = { fileSize: "64KiB", chunk: "16KiB", sink: "nic" };

interface ScenarioJson { name: string; title: string; description?: string; params?: Record<string, unknown>; }
const scen = (name: string) => catalogue[name] as ScenarioJson;

function paramText(name: string): string {
  const declared = scen(name).params ?? {};
  return Object.entries(state)
    .filter(([k, v]) => v !== "" && (k in declared || k in MACHINE_PARAMS))
    .map(([k, v]) => `${k}=${v}`).join(" ");
}

function renderKnobs(): void {
  const name = scenarioSel.value;
  const sc = scen(name);
  const declared = sc.params ?? {};
  $("scenario-doc").textContent = sc.description ?? "";
  const keys = [...Object.keys(declared).filter((k) => !String(declared[k]).startsWith("$")), ...MACHINE_KNOBS];
  paramsBox.replaceChildren(...keys.map((k) => {
    const def = k in declared ? declared[k] : MACHINE_PARAMS[k].default;
    const val = state[k] ?? (typeof def === "boolean" ? (def ? "on" : "off") : String(def));
    const label = document.createElement("label");
    label.append(`${k} `);
    let input: HTMLInputElement | HTMLSelectElement;
    const isBool = typeof def === "boolean" || MACHINE_PARAMS[k]?.type === "bool";
    if (isBool || CHOICES[k]) {
      input = document.createElement("select");
      for (const o of isBool ? ["on", "off"] : CHOICES[k]) input.append(new Option(o, o, false, o === val));
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.size = 7;
      input.value = val;
      input.spellcheck = false;
      input.title = MACHINE_PARAMS[k]?.doc ?? "a size: 4096, 64KiB, 1MiB, or whole";
    }
    input.name = k;
    input.addEventListener("change", () => {
      state[k] = input.value.trim();
      apply();
    });
    label.append(input);
    return label;
  }));
}

function apply(): void {
  knobError.hidden = true;
  sim.scenario = scenarioSel.value;
  sim.params = paramText(scenarioSel.value);
  scheduleCompare();
}

sim.addEventListener("zcsim-error", (e) => {
  knobError.hidden = false;
  knobError.textContent = `${e.detail.field ? `${e.detail.field}: ` : ""}${e.detail.message.replace(`${e.detail.field}: `, "")}`;
});
sim.addEventListener("zcsim-ready", () => { knobError.hidden = true; });

for (const n of scenarioNames()) scenarioSel.append(new Option(`${n} — ${scen(n).title.replace(/^[^:]*:\s*/, "")}`, n));
scenarioSel.value = "sendfile";
scenarioSel.addEventListener("change", () => { renderKnobs(); apply(); });

// ---- compare every strategy ------------------------------------------------------------------------------------

let pageSim: Promise<SimulatorLike> | null = null;
const simulator = () => (pageSim ??= newSimulator());
let compareTimer: ReturnType<typeof setTimeout> | undefined;
let charts: Chart[] = [];

function scheduleCompare(): void {
  clearTimeout(compareTimer);
  compareTimer = setTimeout(() => void runCompare(), 250);
}

/** Each catalogue scenario compiled with the shared knobs it declares (machine knobs apply to all). */
function compileAll(): { name: string; compiled?: Compiled; error?: string }[] {
  return scenarioNames().map((name) => {
    const declared = scen(name).params ?? {};
    const o: Record<string, string> = { trace: "off" };
    for (const k of SHARED) if (state[k] !== undefined && state[k] !== "" && (k in declared || k in MACHINE_PARAMS)) o[k] = state[k];
    try {
      return { name, compiled: compileByName(name, o) };
    } catch (e) {
      return { name, error: e instanceof ScenarioError ? e.message : String(e) };
    }
  });
}

const passes = (bytes: number, r: Result) => (r.payloadBytes ? Math.round((bytes / r.payloadBytes) * 100) / 100 : 0);

async function runCompare(): Promise<void> {
  const s = await simulator();
  const runs = compileAll().map((x) => {
    if (!x.compiled) return { ...x, result: undefined };
    try {
      return { ...x, result: s.run(x.compiled, { trace: false }).result };
    } catch (e) {
      return { ...x, error: (e as Error).message, result: undefined };
    }
  });
  const ok = runs.filter((r) => r.result) as { name: string; result: Result }[];
  const labels = ok.map((r) => r.name);
  const css = getComputedStyle(document.documentElement);
  const col = (v: string, d: string) => css.getPropertyValue(v).trim() || d;
  for (const c of charts) c.destroy();
  charts = [
    new Chart($<HTMLCanvasElement>("chart-counts"), {
      type: "bar",
      data: {
        labels,
        datasets: [
          { label: "mode switches (right axis)", data: ok.map((r) => r.result.modeSwitches), backgroundColor: col("--c-mode", "#868e96"), yAxisID: "y1" },
          { label: "CPU-copy passes", data: ok.map((r) => passes(r.result.copies.cpu.bytes, r.result)), backgroundColor: col("--c-copy", "#e8590c") },
          { label: "DMA passes", data: ok.map((r) => passes(r.result.copies.dma.bytes, r.result)), backgroundColor: col("--c-dma", "#1c7ed6") },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "passes over the payload" } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "mode switches" } },
        },
      },
    }),
    new Chart($<HTMLCanvasElement>("chart-time"), {
      type: "bar",
      data: { labels, datasets: [{ label: "predicted µs", data: ok.map((r) => Math.round(r.result.timeNs / 100) / 10), backgroundColor: col("--c-time", "#7048e8") }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    }),
  ];
  const t = $<HTMLTableElement>("compare-table");
  const head = ["strategy", "calls", "mode switches", "CPU copies (ops / passes)", "DMA (ops / passes)", "faults", "delivered", "time (µs)"];
  t.replaceChildren();
  t.createTHead().insertRow().append(...head.map((h) => Object.assign(document.createElement("th"), { scope: "col", textContent: h })));
  const body = t.createTBody();
  for (const r of runs) {
    const tr = body.insertRow();
    tr.dataset.scenario = r.name;
    const th = Object.assign(document.createElement("th"), { scope: "row", textContent: r.name });
    tr.append(th);
    if (!r.result) {
      const td = tr.insertCell();
      td.colSpan = head.length - 1;
      td.className = "muted";
      td.textContent = r.error ?? "";
      continue;
    }
    const x = r.result;
    for (const v of [
      x.syscalls.total, x.modeSwitches, `${x.copies.cpu.ops} / ${passes(x.copies.cpu.bytes, x)}`, `${x.copies.dma.ops} / ${passes(x.copies.dma.bytes, x)}`,
      x.faults.minor + x.faults.major, `${x.delivered.bytes}${x.delivered.intact ? "" : " (damaged)"}`, Math.round(x.timeNs / 100) / 10,
    ]) tr.insertCell().textContent = String(v);
  }
}

// ---- the claims table ------------------------------------------------------------------------------------------

interface MeasuredFile {
  kernel: string;
  date: string;
  host?: string;
  command?: string;
  note?: string;
  rows: { mechanism: string; kernel?: Counts; note?: string }[];
}

async function renderClaims(): Promise<void> {
  const s = await simulator();
  const rows: ClaimRow[] = await claimRows({ model: { run: (c) => s.run(c, { trace: false }).result } });
  const m = measured as MeasuredFile;
  const byMech = new Map(m.rows.map((r) => [r.mechanism, r]));
  const t = $<HTMLTableElement>("claims-table");
  t.replaceChildren();
  const head = t.createTHead();
  const h1 = head.insertRow();
  const th = (text: string, attrs: Partial<HTMLTableCellElement> = {}) => Object.assign(document.createElement("th"), { textContent: text, ...attrs });
  h1.append(th("strategy", { rowSpan: 2, scope: "col" }), th("the article", { colSpan: 3, scope: "colgroup" }),
    th("model (live)", { colSpan: 3, scope: "colgroup" }), th(`measured: Linux ${m.kernel}`, { colSpan: 3, scope: "colgroup" }), th("why they differ", { rowSpan: 2, scope: "col" }));
  const h2 = head.insertRow();
  for (let i = 0; i < 3; i++) h2.append(th("switches", { scope: "col" }), th("CPU", { scope: "col" }), th("DMA", { scope: "col" }));
  const body = t.createTBody();
  const cell = (tr: HTMLTableRowElement, v: number | null | undefined, ref?: number | null, cls = "") => {
    const td = tr.insertCell();
    td.textContent = v === null || v === undefined ? "–" : String(v);
    td.className = `num ${cls} ${ref !== undefined && ref !== null && v !== null && v !== undefined && v !== ref ? "differs" : ""}`;
    if (v === null) td.title = "not observable here";
  };
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.mechanism = r.mechanism;
    tr.append(th(r.mechanism, { scope: "row", title: ARTICLE[r.mechanism].claim }));
    const a = r.article;
    cell(tr, a.modeSwitches); cell(tr, a.cpuCopies); cell(tr, a.dmaCopies);
    cell(tr, r.model.modeSwitches, a.modeSwitches, "model"); cell(tr, r.model.cpuCopies, a.cpuCopies, "model"); cell(tr, r.model.dmaCopies, a.dmaCopies, "model");
    const k = byMech.get(r.mechanism)?.kernel;
    cell(tr, k?.modeSwitches, a.modeSwitches, "kernel"); cell(tr, k?.cpuCopies, a.cpuCopies, "kernel"); cell(tr, k?.dmaCopies, a.dmaCopies, "kernel");
    const note = tr.insertCell();
    note.className = "note";
    note.textContent = r.note + (byMech.get(r.mechanism)?.note ? ` ${byMech.get(r.mechanism)!.note}` : "");
  }
  $("claims-measured").textContent = `Measured column: Linux ${m.kernel}, ${m.date}${m.host ? `, ${m.host}` : ""}` +
    `${m.command ? ` (${m.command})` : ""}. ${m.note ?? ""} Highlighted: differs from the article.`;
}

void renderClaims().catch((e) => {
  $("claims-measured").textContent = `The claims table could not be computed: ${(e as Error).message}`;
});

// ---- start -----------------------------------------------------------------------------------------------------

renderKnobs();
apply();
