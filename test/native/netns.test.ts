/**
 * The host's own network namespace (native-host/netns.c): as root a network namespace, unprivileged a user and
 * network namespace, so the connection's congestion control is the host's to set: cubic runs as `nobody` on a
 * machine whose tcp_allowed_congestion_control does not list it. Where unshare is refused the host says why and
 * runs in the machine's namespace; "system" is the congestion control of the namespace the host was started in.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { nativeBinary, type NativeRaw } from "../../src/node/native.js";
import { compileByName } from "../../src/scenario/index.js";
import { hasTool, isRoot, nativeReady, userNamespaces } from "./helpers.js";

const ready = nativeReady();
const NOBODY = 65534;

/** Runs the host on a compiled scenario; as root `asNobody` drops to uid/gid 65534 first (setpriv). */
function host(params: Record<string, string>, o: { asNobody?: boolean; env?: Record<string, string>; wrap?: string[]; scenario?: string } = {}): NativeRaw {
  const program = compileByName(o.scenario ?? "sendfile", { fileSize: "256KiB", ...params }).program;
  const tmp = mkdtempSync(join(tmpdir(), "zcsim-netns-"));
  chmodSync(tmp, 0o777);
  try {
    const drop = o.asNobody && isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];
    const cmd = [...(o.wrap ?? []), ...drop, nativeBinary(), "-"];
    const r = spawnSync(cmd[0], cmd.slice(1), {
      input: Buffer.from(program.buffer, program.byteOffset, program.byteLength),
      env: { ...process.env, TMPDIR: tmp, ...o.env }, timeout: 60_000, maxBuffer: 1 << 26,
    });
    const out = r.stdout.toString();
    if (!out.trim()) throw new Error(`the host printed nothing: ${r.stderr.toString().trim()}`);
    return JSON.parse(out) as NativeRaw;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const userns = ready.ok ? userNamespaces() : { ok: false, why: ready.why };

describe.skipIf(!ready.ok)(`native host: its own network namespace${ready.ok ? "" : ` (skipped: ${ready.why})`}`, () => {
  it.skipIf(!userns.ok)(`unprivileged: its own user and network namespace; cubic is set there and delivered${userns.ok ? "" : ` (skipped: ${userns.why})`}`, () => {
    const raw = host({ tcpCongestion: "cubic" }, { asNobody: true });
    expect(raw.status, raw.detail).toBe("OK");
    expect(raw.machine?.netns).toBe("own (user+net)");
    expect(raw.machine?.netnsWhy).toBeNull();
    expect(raw.machine?.tcpCongestion).toBe("cubic");
    expect(raw.sinks[0]).toMatchObject({ kind: "tcp", bytes: 256 * 1024, bad: 0, reported: true });
    expect(raw.sandboxRemoved).toBe(true);
    // a control: in the machine's namespace an unprivileged cubic is refused where the machine does not allow it
    const allowed = spawnSync("cat", ["/proc/sys/net/ipv4/tcp_allowed_congestion_control"], { encoding: "utf8" }).stdout.split(/\s+/);
    if (!allowed.includes("cubic")) {
      const machine = host({ tcpCongestion: "cubic" }, { asNobody: true, env: { ZCSIM_NATIVE_NETNS: "0" } });
      expect(machine.status).toBe("UNSUPPORTED");
      expect(machine.detail).toMatch(/TCP_CONGESTION cubic/);
      expect(machine.machine?.netns).toBe("machine");
      expect(machine.machine?.netnsWhy).toBe("ZCSIM_NATIVE_NETNS=0");
    }
  });

  it.skipIf(!userns.ok)(`unprivileged: a lazy peer holding 16 MiB back gets the receive buffer root would (its namespace's tcp_rmem), not a timeout${userns.ok ? "" : ` (skipped: ${userns.why})`}`, () => {
    const raw = host({ fileSize: "16MiB", tcpCongestion: "reno" }, { asNobody: true, scenario: "sharing-hazard" });
    expect(raw.status, raw.detail).toBe("OK");
    expect(raw.machine?.netns).toBe("own (user+net)");
    expect(raw.sinks[0]).toMatchObject({ kind: "tcp", lazy: true, bytes: 16 << 20, bad: 0, reported: true });
    const note = raw.notes.find((n) => /^lazy peer of sink/.test(n)) ?? "";
    const [, got, asked] = /receive buffer (\d+) bytes \(asked (\d+)\)/.exec(note) ?? [];
    expect(Number(got)).toBeGreaterThanOrEqual(Number(asked));
  });

  it.skipIf(!isRoot)("as root: a network namespace of its own (no user namespace: its capabilities stay the machine's)", () => {
    const raw = host({ tcpCongestion: "reno" });
    expect(raw.status, raw.detail).toBe("OK");
    expect(raw.machine?.netns).toBe("own (net)");
    expect(raw.machine?.tcpCongestion).toBe("reno");
  });

  it.skipIf(!isRoot || !hasTool("unshare"))("where unshare is refused, the machine's namespace, and why", () => {
    // a user namespace without an id mapping: the host's uid has no mapping there, so it may not make another (EPERM)
    const raw = host({ tcpCongestion: "reno" }, { wrap: ["unshare", "-U"] });
    expect(raw.status, raw.detail).toBe("OK");
    expect(raw.machine?.netns).toBe("machine");
    expect(raw.machine?.netnsWhy).toMatch(/unshare\(CLONE_NEWUSER\|CLONE_NEWNET\): Operation not permitted/);
    expect(raw.notes.some((n) => /machine's network namespace/.test(n))).toBe(true);
  });

  it.skipIf(!isRoot || !hasTool("unshare") || !hasTool("sh"))("system is the congestion control of the namespace the host was started in, and its tcp_* settings are carried over", () => {
    // started in a namespace whose default is reno and whose autocorking is off (a new namespace inherits init_net's
    // congestion control, bbr here, and starts with autocorking on): the host's own namespace gets both
    const raw = host({ tcpCongestion: "system" }, {
      wrap: ["unshare", "-n", "sh", "-c", 'echo reno > /proc/sys/net/ipv4/tcp_congestion_control && echo 0 > /proc/sys/net/ipv4/tcp_autocorking && exec "$@"', "sh"],
    });
    expect(raw.status, raw.detail).toBe("OK");
    expect(raw.machine?.tcpCongestionDefault).toBe("reno");
    expect(raw.machine?.tcpCongestion).toBe("reno");
    expect(raw.notes.some((n) => /tcp_autocorking/.test(n) && /tcp_congestion_control/.test(n))).toBe(true);
  });
});
