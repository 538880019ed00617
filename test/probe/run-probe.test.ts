import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runProbe } from '../../src/probe/run-probe.js';
import { rdpSecurityStage } from '../../src/probe/stages/rdp-security.js';
import { NegFailureCode, Protocol } from '../../src/wire/rdp-neg.js';
import { tpktFrameLength } from '../../src/wire/tpkt.js';
import { decodeConnectionRequest, encodeConnectionConfirm } from '../../src/wire/x224.js';

/**
 * A server that answers the HYBRID_EX request only once it has seen the TLS ClientHello on the
 * modern request's connection and the MCS Connect Initial on the RDP-only one (or after a
 * fallback, so a probe that waits still ends). Stages that waited for the whole negotiation
 * matrix would send those only after that answer.
 */
class HoldingServer {
  readonly seenBeforeHeldAnswer = { clientHello: false, mcsConnectInitial: false };
  /** The SSL-only request's connection, which no stage continues on when there is no posture. */
  sslOnlyClosedBeforeHeldAnswer = false;
  private heldAnswered = false;
  private releaseHeld: (() => void) | undefined;
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.releaseHeld?.();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private allSeen(): boolean {
    return this.seenBeforeHeldAnswer.clientHello && this.seenBeforeHeldAnswer.mcsConnectInitial;
  }

  private noteWhileHeld(event: 'clientHello' | 'mcsConnectInitial'): void {
    if (!this.heldAnswered) this.seenBeforeHeldAnswer[event] = true;
    if (this.allSeen()) this.releaseHeld?.();
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let confirmed: number | undefined;
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (confirmed !== undefined) {
        // What the client sends after the confirm: a TLS record or, on RDP, an X.224 data PDU.
        if (confirmed !== Protocol.RDP && buffered[0] === 0x16) this.noteWhileHeld('clientHello');
        if (confirmed === Protocol.RDP && buffered[0] === 0x03) this.noteWhileHeld('mcsConnectInitial');
        socket.destroy();
        return;
      }
      const frame = tpktFrameLength(buffered);
      if (frame.kind === 'malformed') return void socket.destroy();
      if (frame.kind === 'need-more' || buffered.length < frame.length) return;
      const request = decodeConnectionRequest(buffered.subarray(0, frame.length));
      buffered = buffered.subarray(frame.length);
      const requested = request.negotiation?.requestedProtocols ?? Protocol.RDP;
      const confirm = (selectedProtocol: number | undefined) => {
        socket.write(
          encodeConnectionConfirm({
            dstRef: request.srcRef ?? 0,
            srcRef: 0x1234,
            classOptions: 0,
            negotiation:
              selectedProtocol === undefined
                ? { type: 'failure', flags: 0, failureCode: NegFailureCode.SSL_REQUIRED_BY_SERVER }
                : { type: 'response', flags: 0, selectedProtocol },
          }),
        );
        if (selectedProtocol === undefined) socket.end();
        else confirmed = selectedProtocol;
      };
      if (requested === (Protocol.HYBRID | Protocol.HYBRID_EX)) {
        const fallback = setTimeout(() => this.releaseHeld?.(), 2000);
        this.releaseHeld = () => {
          clearTimeout(fallback);
          this.releaseHeld = undefined;
          this.heldAnswered = true;
          if (!socket.destroyed) confirm(undefined);
        };
        if (this.allSeen()) this.releaseHeld();
      } else if (requested === Protocol.SSL) {
        socket.once('close', () => {
          if (!this.heldAnswered) this.sslOnlyClosedBeforeHeldAnswer = true;
        });
        confirm(Protocol.SSL);
      } else if (requested & Protocol.SSL) {
        confirm(Protocol.SSL);
      } else if (requested === Protocol.RDP) {
        confirm(Protocol.RDP);
      } else {
        confirm(undefined);
      }
    });
  }
}

describe('runProbe scheduling', () => {
  const server = new HoldingServer();
  before(() => server.start());
  after(() => server.stop());

  it('starts the TLS handshake and Standard RDP Security before the whole matrix has answered', async () => {
    const reported: string[] = [];
    const observations = await runProbe(
      { host: '127.0.0.1', port: server.port },
      {
        timeoutMs: 3000,
        tlsPosture: false,
        extraStages: { rdpSecurity: rdpSecurityStage },
        onStage: (attempt) => reported.push(attempt.stage),
      },
    );
    assert.deepEqual(server.seenBeforeHeldAnswer, { clientHello: true, mcsConnectInitial: true });
    // Without a TLS posture, a TLS connection no stage continues on is closed, not kept open.
    assert.equal(server.sslOnlyClosedBeforeHeldAnswer, true);
    // The held request was still answered and reported.
    const hybridEx = observations.negotiation?.observation?.probes.find(
      (probe) => probe.label === 'hybrid-ex',
    );
    assert.equal(hybridEx?.outcome, 'failure');
    // Stages still report in a client's order, whenever their work ran.
    const position = (stage: string) => reported.indexOf(stage);
    assert.ok(position('negotiation') >= 0 && position('tls') > position('negotiation'), reported.join(','));
    assert.ok(position('rdp-security') > position('negotiation'), reported.join(','));
  });
});
