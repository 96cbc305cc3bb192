/**
 * `zcsim compare --html FILE`: one self-contained page (no network): the summary, every disagreement with its
 * explanation, one chart per counter family (model vs kernel across file sizes, drawn by chart.js, inlined), and
 * every row of the matrix. Browser-safe: the caller hands in chart.js's UMD source.
 */
import type { CompareReport, Row } from "./compare-types.js";
import { distinctNotes, formatValue, kernelText } from "./compare-table.js";
import { ruleFor } from "./counter-classes.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
/** JSON safe inside a <script> element */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const SIZE_ORDER = (s: string) => {
  const m = /^(\d+)(B|KiB|MiB|GiB)?$/.exec(s);
  if (!m) return Number.MAX_SAFE_INTEGER;
  return Number(m[1]) * ({ B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as Record<string, number>)[m[2] ?? "B"];
};

export interface ChartSeries {
  /** "read-write  chunk=64KiB cache=warm": the scenario and every param but fileSize */
  label: string;
  /** file sizes, ascending */
  sizes: string[];
  /** family -> counter -> [model values by size, kernel values by size] */
  families: Record<string, Record<string, [(number | null)[], (number | null)[]]>>;
}

/** The chart data: per scenario and fixed params, each numeric counter of each family across the file sizes. */
export function chartSeries(rows: Row[]): ChartSeries[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (!("fileSize" in r.params)) continue;
    const rest = Object.entries(r.params).filter(([k]) => k !== "fileSize").map(([k, v]) => `${k}=${v}`).join(" ");
    const label = `${r.scenario}  ${rest}`.trim();
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(r);
  }
  const out: ChartSeries[] = [];
  for (const [label, rs] of groups) {
    const sizes = [...new Set(rs.map((r) => r.params.fileSize))].sort((a, b) => SIZE_ORDER(a) - SIZE_ORDER(b));
    if (sizes.length < 2) continue;
    const families: ChartSeries["families"] = {};
    for (const r of rs) {
      const num = (v: Row["model"]) => (typeof v === "number" ? v : null);
      if (num(r.model) === null && num(r.kernel) === null) continue;
      const fam = ruleFor(r.counter).family;
      const f = (families[fam] ??= {});
      const c = (f[r.counter] ??= [sizes.map(() => null), sizes.map(() => null)]);
      const i = sizes.indexOf(r.params.fileSize);
      c[0][i] = num(r.model);
      c[1][i] = num(r.kernel);
    }
    out.push({ label, sizes, families });
  }
  // the most complete series first: the one a reader wants to see by default
  return out.sort((a, b) => b.sizes.length - a.sizes.length);
}

function rowTable(rows: Row[], withScenario: boolean): string {
  const head = `<tr>${withScenario ? "<th>scenario</th><th>params</th>" : ""}<th>counter</th><th>class</th><th>model</th><th>kernel</th><th>agree</th><th>evidence</th><th>why</th></tr>`;
  const body = rows.map((r) => {
    const agree = r.class === "unobservable" ? "shown" : r.agree === null ? "-" : r.basis === "derived" ? (r.agree ? "consistent" : "INCONSISTENT")
      : r.agree ? (r.class === "tolerance" ? "within" : r.class === "range" ? "in range" : "yes") : "NO";
    const cls = r.agree === false ? "no" : r.agree ? "yes" : "na";
    const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(" ");
    return `<tr class="${cls}">${withScenario ? `<td>${esc(r.scenario)}</td><td>${esc(params)}</td>` : ""}<td>${esc(r.counter)}</td><td>${esc(r.class)}</td><td class="n">${esc(formatValue(r.model))}</td><td class="n">${esc(kernelText(r))}</td><td>${agree}</td><td>${esc(r.evidence ?? "")}</td><td>${esc([r.tolerance ? `(${r.tolerance})` : "", r.known ? `[known: ${r.known}]` : "", r.why].filter(Boolean).join(" "))}</td></tr>`;
  });
  return `<table>${head}${body.join("")}</table>`;
}

export interface HtmlOptions {
  /** chart.js's UMD build (dist/chart.umd.min.js) */
  chartJs: string;
  /** when the report was made, shown in the header */
  date?: string;
  /** the machine: kernel release, etc. */
  host?: string;
}

export function renderCompareHtml(report: CompareReport, opts: HtmlOptions): string {
  const s = report.summary;
  const series = chartSeries(report.rows);
  const families = [...new Set(series.flatMap((x) => Object.keys(x.families)))];
  const pct = s.exact ? ((100 * s.agree) / s.exact).toFixed(1) : "-";
  const disagreements = report.rows.filter((r) => r.agree === false && r.class !== "tolerance" && r.basis !== "derived");
  const inconsistent = report.rows.filter((r) => r.agree === false && r.basis === "derived");
  const exactOnly = s.exact - s.ranges, exactAgree = s.agree - s.rangesHeld;
  const outside = report.rows.filter((r) => r.agree === false && r.class === "tolerance");
  const byScenario = new Map<string, Row[]>();
  for (const r of report.rows) {
    const k = `${r.scenario}  ${Object.entries(r.params).map(([a, b]) => `${a}=${b}`).join(" ")}`;
    if (!byScenario.has(k)) byScenario.set(k, []);
    byScenario.get(k)!.push(r);
  }
  const notes = distinctNotes(report.notes);
  const perScenario = Object.entries(s.perScenario)
    .map(([n, p]) => `<tr><td>${esc(n)}</td><td class="n">${p.agree}</td><td class="n">${p.exact}</td><td class="n">${p.exact ? ((100 * p.agree) / p.exact).toFixed(1) : "-"}%</td></tr>`)
    .join("");
  const canvases = families
    .map((f, i) => `<figure class="chart"><figcaption>${esc(f)}</figcaption><canvas id="chart-${i}" data-family="${esc(f)}" width="560" height="300"></canvas></figure>`)
    .join("\n");

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zcsim compare: the model against the kernel</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 12px; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-family: ui-monospace, monospace; }
tr.no td { background: #fde8e8; } tr.na td { color: #777; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 1em; }
figure.chart { margin: 0; border: 1px solid #eee; padding: .5em; } figcaption { font-weight: 600; }
.big { font-size: 1.3em; } .bad { color: #b00; } .good { color: #070; }
details { margin: .3em 0; } summary { cursor: pointer; }
</style>
</head>
<body>
<h1>The model against the kernel</h1>
<p>${esc(report.matrix)} matrix, ${s.runs} runs${opts.date ? `, ${esc(opts.date)}` : ""}${opts.host ? `, ${esc(opts.host)}` : ""}.
Each scenario ran in the wasm model and on the native host (the real syscalls on this kernel); every counter is
compared. The verdict rests on <b>measured</b> kernel figures only (the kernel's own counters): <b>exact</b> counters
must be equal, <b>range</b> counters (races the kernel itself varies, measured) must lie within the kernel's min..max
over ${s.kernelRuns} native run(s). <b>Derived</b> kernel figures, which the native host computes from the calls it made,
are shown apart as consistent or not, never as agreement; <b>tolerance</b> counters (times, context switches) must come
within the tolerance shown; <b>unobservable</b> ones are shown and never scored.</p>
<p class="big ${s.unexplained ? "bad" : "good"}" id="agreement">Measured: ${s.agree} of ${s.exact} agree (${pct}%): exact ${exactAgree} of ${exactOnly}, ranges ${s.rangesHeld} of ${s.ranges} held${s.disagree ? `; ${s.disagree} disagree, ${s.explained} explained, ${s.unexplained} unexplained` : ""}.</p>
<p>Derived: ${s.consistent} of ${s.derived} consistent with the calls made. Tolerance: ${s.toleranceAgree} of ${s.tolerance} within. Unobservable: ${s.unobservable}. Not scored: ${s.notScored}.${s.notRun ? ` Not run: ${s.notRun} points where the native host did not make every call.` : ""}${s.kernel !== "ran" ? ` <b>The kernel column is empty:</b> ${esc(s.kernel)}.` : ""}</p>
<table><tr><th>scenario</th><th>agree</th><th>measured</th><th>share</th></tr>${perScenario}</table>
${report.calibration?.length ? `<h2>The model runs with this kernel's knobs</h2><ul>${report.calibration.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}
${notes.length ? `<h2>Notes from the engines</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}
<h2>Model and kernel across file sizes</h2>
<p>Solid lines: the model. Dashed: the kernel. One colour per counter. <label>Series:
<select id="series">${series.map((x, i) => `<option value="${i}">${esc(x.label)}</option>`).join("")}</select></label>
<label><input type="checkbox" id="logscale" checked> logarithmic scale (zeros are not drawn on it)</label></p>
<div class="charts">
${canvases || "<p>No series with more than one file size in this matrix.</p>"}
</div>
<h2>Measured counters that disagree</h2>
${disagreements.length ? rowTable(disagreements, true) : "<p>None.</p>"}
<h2>Derived figures inconsistent with the calls made</h2>
${inconsistent.length ? rowTable(inconsistent, true) : "<p>None.</p>"}
<h2>Tolerance counters outside their tolerance</h2>
${outside.length ? `<details><summary>${outside.length} rows (times, context switches, the loopback's segmentation and the peer's reads; not scored for the exit status)</summary>${rowTable(outside, true)}</details>` : "<p>None.</p>"}
<h2>Every row</h2>
${[...byScenario].map(([k, rows]) => `<details${rows.some((r) => r.agree === false) ? " open" : ""}><summary>${esc(k)} (${rows.filter((r) => r.agree === true && r.basis === "measured" && r.class !== "tolerance").length}/${rows.filter((r) => r.agree !== null && r.basis === "measured" && r.class !== "tolerance").length} measured agree)</summary>${rowTable(rows, false)}</details>`).join("\n")}
<script>${opts.chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script type="application/json" id="zcsim-data">${scriptJson({ series, families })}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("zcsim-data").textContent);
  var palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var charts = [];
  function draw() {
    var s = data.series[Number(document.getElementById("series").value) || 0];
    var log = document.getElementById("logscale").checked;
    data.families.forEach(function (fam, i) {
      var canvas = document.getElementById("chart-" + i);
      var counters = (s && s.families[fam]) || {};
      var datasets = [];
      Object.keys(counters).forEach(function (c, j) {
        var colour = palette[j % palette.length];
        datasets.push({ label: c + " (model)", data: counters[c][0], borderColor: colour, backgroundColor: colour, spanGaps: true });
        datasets.push({ label: c + " (kernel)", data: counters[c][1], borderColor: colour, backgroundColor: colour, borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 5, spanGaps: true });
      });
      var config = {
        type: "line",
        data: { labels: s ? s.sizes : [], datasets: datasets },
        options: { animation: false, responsive: true,
          scales: { x: { title: { display: true, text: "file size" } }, y: { type: log ? "logarithmic" : "linear", title: { display: true, text: fam } } },
          plugins: { legend: { labels: { boxWidth: 12, font: { size: 10 } } } } }
      };
      if (charts[i]) charts[i].destroy();
      charts[i] = new Chart(canvas, config);
    });
  }
  document.getElementById("series").addEventListener("change", draw);
  document.getElementById("logscale").addEventListener("change", draw);
  draw();
})();
</script>
</body>
</html>
`;
}
