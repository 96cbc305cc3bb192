/**
 * The kernel evidence's names (`Result.kernel`), one set for both engines: the native host's, after the
 * tracepoints they count (filemap:mm_filemap_add_to_page_cache -> filemapAdd, net:net_dev_start_xmit ->
 * netDevXmit, the peer's skb:skb_copy_datagram_iovec -> peerSkbCopyDatagram).
 *
 * Results written before the names were settled spelled the model's three differently; `currentKernelName`
 * reads them (old JSON files, saved reports). Nothing emits the old names any more. Browser-safe.
 */
export const LEGACY_KERNEL_NAMES: Readonly<Record<string, string>> = {
  filemapAddToPageCache: "filemapAdd",
  netDevStartXmit: "netDevXmit",
  skbCopyDatagramIovec: "peerSkbCopyDatagram",
};

/** The current name of a `Result.kernel` key (an old one is translated, any other returned as it is). */
export const currentKernelName = (k: string): string => LEGACY_KERNEL_NAMES[k] ?? k;

/** A `Result.kernel` object with its keys under the current names (a current key wins over a legacy one). */
export function withCurrentKernelNames<T>(kernel: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(kernel)) if (!(k in LEGACY_KERNEL_NAMES)) out[k] = v;
  for (const [k, v] of Object.entries(kernel)) if (k in LEGACY_KERNEL_NAMES && !(LEGACY_KERNEL_NAMES[k] in out)) out[LEGACY_KERNEL_NAMES[k]] = v;
  return out;
}
