import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { LAB_SCENARIOS } from '../../src/lab/scenarios.js';
import { decodeConnectionConfirm } from '../../src/wire/x224.js';
import { hex } from '../helpers/bytes.js';
import { isOneLineUsageError, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { addressAllocator } from '../testbed/address-allocator.js';

describe('rdp-doctor lab', () => {
  it('lists every scenario as a table', async () => {
    const run = await runCli(['lab', '--list']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^SCENARIO\s+EXPECTED FINDING\s+TITLE$/);
    assert.equal(lines.length, LAB_SCENARIOS.length + 1);
    assert.match(run.stdout, /^neg-failure-5\s+nla-required\s+RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER$/m);
  });

  it('lists scenarios as one JSON document with --json', async () => {
    const run = await runCli(['lab', '--list', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as {
      scenarios: Array<{ id: string; expectedFinding: string | null }>;
    };
    assert.deepEqual(
      document.scenarios.map((each) => each.id),
      LAB_SCENARIOS.map((each) => each.id),
    );
    assert.equal(
      document.scenarios.find((each) => each.id === 'tls10-only')?.expectedFinding,
      'tls-legacy-only',
    );
  });

  const badUsage: Array<[string, string[], RegExp]> = [
    ['an unknown scenario', ['lab', 'no-such-scenario'], /unknown scenario 'no-such-scenario'.*lab --list/],
    ['no scenario', ['lab'], /missing scenario.*lab --list/],
    ['a scenario and --list', ['lab', 'healthy-tls', '--list'], /either a scenario or --list/],
    ['a bad listen address', ['lab', 'healthy-tls', '--listen', 'bad host:1'], /invalid host/],
    ['a bad listen port', ['lab', 'healthy-tls', '--listen', '127.0.0.1:99999'], /invalid port/],
    ['a bare listen port out of range', ['lab', 'healthy-tls', '--listen', '70000'], /invalid port '70000'/],
    [
      'a listen name that does not resolve',
      ['lab', 'healthy-tls', '--listen', 'nonsense.invalid'],
      /cannot listen on nonsense\.invalid:3389: 'nonsense\.invalid' is not a local address/,
    ],
  ];
  for (const [name, argv, message] of badUsage) {
    it(`rejects ${name} with one line and exit 2`, async () => {
      const run = await runCli(argv);
      assert.ok(isOneLineUsageError(run), JSON.stringify(run));
      assert.match(run.stderr, message);
    });
  }

  it('reports a port in use as one line with exit 2', async () => {
    const host = await addressAllocator.next();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(3389, host, resolve));
    try {
      const run = await runCli(['lab', 'healthy-tls', '--listen', `${host}:3389`]);
      assert.ok(isOneLineUsageError(run), JSON.stringify(run));
      assert.match(run.stderr, /already in use/);
    } finally {
      blocker.close();
    }
  });

  it('serves the scenario until SIGINT, then exits 0 with its counts', async () => {
    const host = await addressAllocator.next();
    let stdout = '';
    let stderr = '';
    const { main } = await import('../../src/cli/main.js');
    const exit = main(['lab', 'neg-failure-5', '--listen', `${host}:3389`], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      stdoutIsTty: false,
      stderrIsTty: false,
      env: {},
    });
    const deadline = Date.now() + 10_000;
    while (!stdout.includes('listening') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.match(
      stdout,
      new RegExp(`scenario neg-failure-5 .* listening on ${host.replaceAll('.', '\\.')}:3389`),
    );
    assert.match(stdout, /xfreerdp \/v:/);
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect({ host, port: 3389 }, () =>
        socket.write(hex('03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00')),
      );
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    assert.deepEqual(decodeConnectionConfirm(answer).negotiation, {
      type: 'failure',
      flags: 0,
      failureCode: 5,
    });
    process.emit('SIGINT');
    assert.equal(await exit, 0);
    assert.match(stderr, /stopped on SIGINT: 1 connection\(s\), 1 X\.224 request\(s\)/);
  });

  it('listens on 127.0.0.1 for a bare --listen port', async () => {
    const port = await freePort('127.0.0.1');
    const lab = await startLab(['lab', 'healthy-tls', '--listen', String(port)]);
    assert.match(lab.stdout(), new RegExp(`listening on 127\\.0\\.0\\.1:${port}\n`));
    assert.equal(await lab.stop(), 0);
  });

  it('shows an IPv6 listen address in brackets', async (t) => {
    const port = await freePort('::1').catch(() => undefined);
    if (port === undefined) return t.skip('this machine has no IPv6 loopback');
    const lab = await startLab(['lab', 'healthy-tls', '--listen', `[::1]:${port}`]);
    assert.match(lab.stdout(), new RegExp(`listening on \\[::1\\]:${port}\n`));
    assert.match(lab.stdout(), new RegExp(`try: rdp-doctor diagnose \\[::1\\]:${port} `));
    assert.equal(await lab.stop(), 0);
  });
});

/** Runs `lab` in-process until it says it is listening; `stop` sends SIGINT and gives the exit code. */
async function startLab(argv: string[]): Promise<{ stdout: () => string; stop: () => Promise<number> }> {
  let stdout = '';
  const { main } = await import('../../src/cli/main.js');
  const exit = main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => {},
    stdoutIsTty: false,
    stderrIsTty: false,
    env: {},
  });
  let finished = false;
  void exit.then(() => {
    finished = true;
  });
  const deadline = Date.now() + 10_000;
  while (!stdout.includes('listening') && !finished && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    stdout: () => stdout,
    stop: async () => {
      if (!finished) process.emit('SIGINT');
      return exit;
    },
  };
}
