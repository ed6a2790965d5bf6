import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/doctor/diagnose.js';
import type { SelfTestReport } from '../../src/doctor/self-test.js';
import type { DoctorReport } from '../../src/doctor/types.js';
import { pickPort } from '../../src/ports/pick-port.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';
import {
  blockTcpPort,
  createNetns,
  inNetns,
  mountNamespaceSkipReason,
  netnsSkipReason,
  packetFilterSkipReason,
  UNSHARE,
} from '../helpers/netns.js';
import { tempDir } from '../helpers/temp-dir.js';

// Causes that need root to build: a packet filter rule and a listener in network namespaces
// this test creates (ip netns), and a broken hosts file in a private mount namespace
// (unshare -m). Traffic stays on the loopback of the namespace it starts in.

const netnsSkip = netnsSkipReason();
if (netnsSkip) console.warn(`Skipping the doctor's network-namespace situations: ${netnsSkip}.`);
const filterSkip = packetFilterSkipReason();
if (filterSkip && !netnsSkip)
  console.warn(`Skipping the doctor's packet-filter situations: ${filterSkip}.`);
const mountSkip = mountNamespaceSkipReason();
if (mountSkip) console.warn(`Skipping the doctor's hosts-file situations: ${mountSkip}.`);

const TIMEOUT = '500ms';
const codes = (report: { findings: Array<{ code: string }> }) => report.findings.map((f) => f.code);

/** Starts doctor-server.mjs (http) inside namespace `ns` on 127.0.0.1:port. */
function serveIn(ns: string, port: number) {
  return startFixture('doctor-server.mjs', ['127.0.0.1', String(port), 'http'], inNetns(ns));
}

async function freePort(): Promise<number> {
  return (await pickPort({ lease: false })).port;
}

describe.skipIf(filterSkip !== undefined)(
  'doctor inside a namespace with a packet filter rule',
  () => {
    beforeAll(assertCliBuilt);

    it('a DROP rule in front of a running listener → FIREWALL_DROP (the connect times out)', async () => {
      const ns = createNetns();
      const fixture = await serveIn(ns, 4567);
      blockTcpPort(ns, fixture.port, 'drop');
      const run = await runCli(
        ['doctor', `127.0.0.1:${fixture.port}`, '--timeout', TIMEOUT, '--json'],
        {
          wrapper: inNetns(ns),
        },
      );
      const report = JSON.parse(run.stdout) as DoctorReport;
      expect(codes(report)).toEqual(['FIREWALL_DROP']);
      expect(report.attempts.map((a) => a.outcome)).toEqual(['timeout']);
      expect(report.listeners[0]!.processes.map((p) => p.pid)).toEqual([fixture.pid]);
      expect(run.code).toBe(1);
    });

    it('a REJECT rule (TCP reset) in front of a running listener → FIREWALL_DROP (refused)', async () => {
      const ns = createNetns();
      const fixture = await serveIn(ns, 4567);
      blockTcpPort(ns, fixture.port, 'reject');
      const run = await runCli(
        ['doctor', `http://127.0.0.1:${fixture.port}/`, '--timeout', TIMEOUT, '--json'],
        { wrapper: inNetns(ns) },
      );
      const report = JSON.parse(run.stdout) as DoctorReport;
      expect(codes(report)).toEqual(['FIREWALL_DROP']);
      expect(report.attempts.map((a) => a.outcome)).toEqual(['refused']);
      expect(codes(report)).not.toContain('NOTHING_LISTENING');
    });

    it('the control: the same namespace without a rule → REACHABLE', async () => {
      const ns = createNetns();
      const fixture = await serveIn(ns, 4567);
      const run = await runCli(
        ['doctor', `127.0.0.1:${fixture.port}`, '--timeout', TIMEOUT, '--json'],
        {
          wrapper: inNetns(ns),
        },
      );
      expect(codes(JSON.parse(run.stdout) as DoctorReport)).toEqual(['REACHABLE']);
      expect(run.code).toBe(0);
    });
  },
);

describe.skipIf(netnsSkip !== undefined)(
  'doctor and a listener in another network namespace',
  () => {
    it('served only inside a namespace, diagnosed from this one → OTHER_NETNS', async () => {
      const ns = createNetns();
      // A port nothing in this namespace uses, served inside the other one.
      const fixture = await serveIn(ns, await freePort());
      const report = await diagnose(`127.0.0.1:${fixture.port}`, { timeoutMs: 500 });
      expect(codes(report)).toEqual(['OTHER_NETNS']);
      expect(report.attempts.map((a) => a.outcome)).toEqual(['refused']);
      expect(report.findings[0]!.evidence.join('\n')).toContain(`pid ${fixture.pid}`);
    });
  },
);

describe.skipIf(mountSkip !== undefined)(
  'doctor with a hosts file in a private mount namespace',
  () => {
    beforeAll(assertCliBuilt);

    /** Runs the built CLI with `text` bind-mounted over /etc/hosts for it alone. */
    function withHostsFile(text: string, args: string[]) {
      const file = join(tempDir('portier-hosts-'), 'hosts');
      writeFileSync(file, text, { mode: 0o644 });
      // unshare(1) makes the new mount namespace private: the bind mount never reaches the host.
      const wrapper = [
        UNSHARE!,
        '-m',
        'sh',
        '-c',
        'mount --bind "$0" /etc/hosts && exec "$@"',
        file,
      ];
      return runCli(args, { wrapper });
    }

    it('localhost mapped to a non-loopback address → the self-test says HOSTS_FILE_BROKEN and fails', async () => {
      // Only the self-test runs: it resolves localhost (the hosts file, no traffic) and echoes on
      // 127.0.0.1 and ::1. Nothing connects to 10.1.2.3.
      const run = await withHostsFile('10.1.2.3 localhost\n::1 localhost\n', ['doctor', '--json']);
      const report = JSON.parse(run.stdout) as SelfTestReport;
      expect(report.findings[0]).toMatchObject({ code: 'HOSTS_FILE_BROKEN', severity: 'error' });
      expect(report.machine.localhost.addresses).toContain('10.1.2.3');
      expect(report.ok).toBe(false);
      expect(run.code).toBe(1);
    });

    it('localhost on a ::1 line only → LOCALHOST_RESOLUTION gives ::1 alone; not broken', async () => {
      const run = await withHostsFile('::1 localhost\n', ['doctor', '--json']);
      const report = JSON.parse(run.stdout) as SelfTestReport;
      expect(report.machine.localhost.addresses).toEqual(['::1']);
      expect(codes(report)).toContain('LOCALHOST_RESOLUTION');
      expect(codes(report)).not.toContain('HOSTS_FILE_BROKEN');
      expect(run.code).toBe(0);
    });

    it('localhost on ::1 only and a server on 127.0.0.1 only → doctor localhost:P says FAMILY_MISMATCH', async () => {
      const fixture = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'http']);
      const run = await withHostsFile('::1 localhost\n', [
        'doctor',
        `localhost:${fixture.port}`,
        '--timeout',
        TIMEOUT,
        '--json',
      ]);
      const report = JSON.parse(run.stdout) as DoctorReport;
      expect(report.probe.addresses).toEqual(['::1']);
      expect(report.findings[0]).toMatchObject({ code: 'FAMILY_MISMATCH', severity: 'error' });
      expect(run.code).toBe(1);
    });
  },
);
