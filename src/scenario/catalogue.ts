/** The scenario catalogue (sim/*.json), bundled so that browsers need no file access. */
import readWrite from "../../sim/read-write.json" with { type: "json" };
import mmapWrite from "../../sim/mmap-write.json" with { type: "json" };
import sendfile from "../../sim/sendfile.json" with { type: "json" };
import splice from "../../sim/splice.json" with { type: "json" };
import tee from "../../sim/tee.json" with { type: "json" };
import vmsplice from "../../sim/vmsplice.json" with { type: "json" };
import copyFileRange from "../../sim/copy-file-range.json" with { type: "json" };
import msgZerocopy from "../../sim/msg-zerocopy.json" with { type: "json" };
import mmapTruncate from "../../sim/mmap-truncate.json" with { type: "json" };
import sharingHazard from "../../sim/sharing-hazard.json" with { type: "json" };

/** Catalogue scenarios by name, in the order a lecture would take them. */
export const catalogue: Record<string, unknown> = {
  "read-write": readWrite,
  "mmap-write": mmapWrite,
  sendfile,
  splice,
  tee,
  vmsplice,
  "copy-file-range": copyFileRange,
  "msg-zerocopy": msgZerocopy,
  "mmap-truncate": mmapTruncate,
  "sharing-hazard": sharingHazard,
};
