/**
 * The page-table view: each of the process's mapped virtual pages, its walk (PGD -> PUD -> PMD -> PTE index) and the
 * frame it ends on, built from PT_ALLOC and PTE_SET events. A frame that is also a page-cache page is shared (an
 * mmap of the file): highlighted. Runs of consecutive pages on consecutive frames are shown as one row.
 */
import { html, nothing, type TemplateResult } from "lit";
import { hex, type WEvent } from "./events.js";
import { isCacheFrame, ptIndices, type ViewState } from "./state.js";

const MAX_ROWS = 200;
const LEVEL = ["", "PTE table", "PMD", "PUD"];

interface Run { vaddr: number; frame: number; pages: number; shared: boolean; idx: [number, number, number, number]; isNew: boolean; where: string; tables: (number | undefined)[]; }

/** Bits of the virtual address one table page at each level covers: a PTE table 2 MiB, a PMD 1 GiB, a PUD 512 GiB. */
const SPAN = [0, 2 ** 21, 2 ** 30, 2 ** 39];

export function renderPageTables(s: ViewState, event: WEvent | null, open: boolean, onToggle: (e: Event) => void): TemplateResult {
  const maps = [...s.ptes.values()].sort((a, b) => a.vaddr - b.vaddr);
  // the table page of each level that covers an address (tables setup built before the trace are not named)
  const tableOf = (level: number, vaddr: number) => s.pt.find((p) => p.level === level && Math.floor(p.vaddr / SPAN[level]) === Math.floor(vaddr / SPAN[level]))?.frame;
  const runs: Run[] = [];
  for (const m of maps) {
    const shared = isCacheFrame(s, m.frame);
    const isNew = event?.kind === "PTE_SET" && event.a === m.vaddr;
    const prev = runs[runs.length - 1];
    if (prev && !isNew && !prev.isNew && prev.shared === shared && m.vaddr === prev.vaddr + prev.pages * 4096 && m.frame === prev.frame + prev.pages) {
      prev.pages++;
      continue;
    }
    const cp = s.cache.get(m.frame);
    runs.push({
      vaddr: m.vaddr, frame: m.frame, pages: 1, shared, idx: ptIndices(m.vaddr), isNew,
      where: cp ? `inode ${cp.file} page ${cp.index}` : shared ? "a page-cache page" : "private",
      tables: [undefined, tableOf(1, m.vaddr), tableOf(2, m.vaddr), tableOf(3, m.vaddr)],
    });
  }
  const byLevel = [0, 0, 0, 0];
  for (const p of s.pt) if (p.level >= 1 && p.level <= 3) byLevel[p.level]++;
  const sharedPages = maps.filter((m) => isCacheFrame(s, m.frame)).length;

  return html`<details class="pt" ?open=${open} @toggle=${onToggle} part="pagetables">
    <summary>Page tables · ${maps.length} PTE${maps.length === 1 ? "" : "s"}${sharedPages ? html` · <span style="color:var(--zcsim-shared)">${sharedPages} shared with the page cache</span>` : nothing}</summary>
    <div class="pt-levels" aria-label="page-table pages allocated">
      <span>PGD: the process's</span>
      ${[3, 2, 1].map((l) => html`<span>${LEVEL[l]}s allocated: ${byLevel[l]}${byLevel[l] ? ` (frame ${s.pt.filter((p) => p.level === l).slice(0, 4).map((p) => p.frame).join(", ")}${byLevel[l] > 4 ? ", …" : ""})` : ""}</span>`)}
    </div>
    ${runs.length === 0 ? html`<div class="none">No page-table entries set yet${s.pt.length ? "" : " (the process maps nothing in this scenario, or has not touched it yet)"}.</div>` : html`
    <div class="scroll">
      <table>
        <thead><tr><th scope="col">virtual page</th><th scope="col" title="bits 47..39">PGD</th><th scope="col" title="bits 38..30">PUD</th>
          <th scope="col" title="bits 29..21">PMD</th><th scope="col" title="bits 20..12">PTE</th><th scope="col">frame</th><th scope="col">page</th></tr></thead>
        <tbody>
          ${runs.slice(0, MAX_ROWS).map((r) => html`<tr class="${r.shared ? "shared" : ""} ${r.isNew ? "new" : ""}" data-vaddr=${r.vaddr}>
            <td>${hex(r.vaddr)}${r.pages > 1 ? html` <small>×${r.pages}</small>` : nothing}</td>
            <td title="entry ${r.idx[0]} of the process's PGD">${r.idx[0]}</td>
            ${[3, 2, 1].map((l) => html`<td title=${r.tables[l] !== undefined ? `entry in the ${LEVEL[l]} page at frame ${r.tables[l]}` : `a ${LEVEL[l]} page built before the trace began`}>${
              l === 1 && r.pages > 1 ? `${r.idx[3]}–${r.idx[3] + r.pages - 1}` : r.idx[4 - l]}${r.tables[l] !== undefined ? html`<small class="tf">@${r.tables[l]}</small>` : nothing}</td>`)}
            <td class="frame">${r.pages > 1 ? `${r.frame}–${r.frame + r.pages - 1}` : r.frame}</td>
            <td>${r.shared ? `shared: ${r.where}` : r.where}</td>
          </tr>`)}
        </tbody>
      </table>
      ${runs.length > MAX_ROWS ? html`<div class="none">${runs.length - MAX_ROWS} more runs not shown</div>` : nothing}
    </div>`}
  </details>`;
}
