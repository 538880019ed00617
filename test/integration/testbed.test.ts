import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  addressAllocator,
  firewallUnsupported,
  missingBinaries,
  type RunningServer,
  startFirewalledPort,
  startFreerdpShadow,
  startLab,
  startXrdp,
  startXvfb,
  type XDisplay,
  serverTracker,
} from '../testbed/index.js';
import { runPeer, xfreerdpAuthOnly } from '../testbed/peers.js';
import { makeWorkDir, removeDir } from '../testbed/process.js';

/** sslscan's "TLSv1.2   enabled" lines as a version -> enabled map. */
async function sslscanVersions(server: RunningServer): Promise<Record<string, boolean>> {
  const output = await runPeer('sslscan', ['--rdp', '--no-colour', `${server.host}:${server.port}`]);
  const versions: Record<string, boolean> = {};
  for (const match of output.matchAll(/^(SSLv[23]|TLSv1\.[0-3])\s+(enabled|disabled)$/gm)) {
    versions[match[1]!] = match[2] === 'enabled';
  }
  assert.ok(Object.keys(versions).length >= 4, `sslscan printed no protocol table:\n${output}`);
  return versions;
}

function enabledVersions(versions: Record<string, boolean>): string[] {
  return Object.entries(versions)
    .filter(([, enabled]) => enabled)
    .map(([version]) => version);
}

const track = serverTracker();

describe(
  'testbed: sslscan sees the TLS versions each server was given',
  {
    skip: missingBinaries('sslscan', 'xrdp'),
  },
  () => {
    it('xrdp with ssl_protocols=TLSv1 enables TLS 1.0 only', async () => {
      const server = await track(
        startXrdp({
          address: await addressAllocator.next(),
          securityLayer: 'tls',
          sslProtocols: 'TLSv1',
          tlsCiphers: 'DEFAULT@SECLEVEL=0',
        }),
      );
      assert.deepEqual(enabledVersions(await sslscanVersions(server)), ['TLSv1.0']);
      await server.stop();
      await server.stop();
    });

    it('a default xrdp enables TLS 1.2 and 1.3 only', async () => {
      const server = await track(startXrdp({ address: await addressAllocator.next() }));
      assert.deepEqual(enabledVersions(await sslscanVersions(server)), ['TLSv1.2', 'TLSv1.3']);
    });

    it("the lab's tls10-only enables TLS 1.0 only", async () => {
      const server = await track(startLab('tls10-only', await addressAllocator.next()));
      assert.deepEqual(enabledVersions(await sslscanVersions(server)), ['TLSv1.0']);
      assert.ok(server.stats.handshakesCompleted > 0);
    });
  },
);

describe(
  'testbed: xfreerdp negotiates what each server offers',
  {
    skip: missingBinaries('xfreerdp', 'Xvfb', 'xrdp', 'freerdp-shadow-cli'),
  },
  () => {
    let display: XDisplay;
    let home: string;
    before(async () => {
      display = await startXvfb();
      home = makeWorkDir('xfreerdp-home');
    });
    after(async () => {
      await display?.stop();
      if (home) removeDir(home);
    });

    const xfreerdp = (server: RunningServer): Promise<string> =>
      xfreerdpAuthOnly(server, display.display, home);

    it('xrdp security_layer=tls: TLS negotiated and the connection gets past it', async () => {
      const server = await track(startXrdp({ address: await addressAllocator.next(), securityLayer: 'tls' }));
      const output = await xfreerdp(server);
      assert.match(output, /nego_security_connect with PROTOCOL_SSL/, output);
      assert.doesNotMatch(output, /ERRCONNECT_(SECURITY_NEGO|TLS|CONNECT_TRANSPORT)/, output);
    });

    it('freerdp-shadow /sec:nla: CredSSP (HYBRID) negotiated, bad credentials end the connection', async () => {
      const server = await track(startFreerdpShadow({ address: await addressAllocator.next(), sec: 'nla' }));
      const output = await xfreerdp(server);
      assert.match(output, /nego_security_connect with PROTOCOL_HYBRID/, output);
      assert.match(output, /ERRCONNECT_\w+/, output);
    });

    it("the lab's neg-failure-5 is a HYBRID_REQUIRED_BY_SERVER negotiation failure", async () => {
      const server = await track(startLab('neg-failure-5', await addressAllocator.next()));
      const output = await xfreerdp(server);
      assert.match(output, /HYBRID_REQUIRED_BY_SERVER/, output);
      assert.match(output, /ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED/, output);
      assert.ok(server.stats.x224Requests >= 1);
    });
  },
);

describe('testbed: firewalled port', () => {
  const unsupported = firewallUnsupported();
  it('a Node connect to the firewalled port times out', { skip: unsupported }, async () => {
    const server = await track(startFirewalledPort());
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: server.host, port: server.port });
      socket.setTimeout(1500, () => {
        socket.destroy();
        resolve('timeout');
      });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(outcome, 'timeout');
    await server.stop();
    await server.stop();
  });
});
