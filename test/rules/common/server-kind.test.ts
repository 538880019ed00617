import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NegotiationProbe } from '../../../src/probe/types.js';
import { credsspUnavailable, serverKind } from '../../../src/rules/common/server-kind.js';
import { observationsFromCapture } from '../../helpers/capture-observations.js';
import {
  certificate,
  credssp,
  failed,
  healthy,
  negotiationOnly,
  probe,
  rdpSecurity,
  skipped,
} from '../../helpers/observations.js';

const PCAP = new URL('../../fixtures/pcap/', import.meta.url).pathname;

function withFlags(entry: NegotiationProbe, responseFlags: number): NegotiationProbe {
  return { ...entry, responseFlags };
}

/** What xrdp 0.9.21 (security_layer=negotiate) answered on the test bed. */
const XRDP_PROBES = [
  withFlags(probe('modern', { selected: 1 }), 0x01),
  withFlags(probe('rdp', { selected: 0 }), 0x01),
  withFlags(probe('ssl', { selected: 1 }), 0x01),
  withFlags(probe('hybrid', { selected: 0 }), 0x01),
  withFlags(probe('hybrid-ex', { selected: 0 }), 0x01),
];

/** What FreeRDP 2.11's shadow server (/sec:nla +auth) answered on the test bed. */
const SHADOW_NLA_PROBES = [
  withFlags(probe('modern', { selected: 2 }), 0x03),
  probe('rdp', { failure: 5 }),
  probe('ssl', { failure: 5 }),
  withFlags(probe('hybrid', { selected: 2 }), 0x03),
  withFlags(probe('hybrid-ex', { selected: 2 }), 0x03),
];
const SHADOW_NTLM = {
  targetName: 'VM',
  netbiosComputerName: 'VM',
  netbiosDomainName: 'VM',
  dnsComputerName: 'vm',
  dnsDomainName: 'vm',
  productVersion: { major: 6, minor: 1, build: 7601, revision: 15 },
};
const SHADOW_CERTIFICATE = {
  subject: 'CN=vm',
  issuer: 'CN=vm',
  selfSigned: true,
  keyUsage: [],
  keyUsagePresent: false,
  serialNumber: '1A3765',
};

describe('serverKind', () => {
  it('xrdp: a CredSSP-only request answered with PROTOCOL_RDP and 22 MCS channel ids is certain', () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(...XRDP_PROBES),
        credssp: skipped('credssp', 'the server did not select CredSSP'),
        rdpSecurity: rdpSecurity({ serverVersion: 0x00080004, mcsMaxChannelIds: 22 }),
      }),
    );
    assert.equal(kind.kind, 'xrdp');
    assert.equal(kind.confidence, 'certain');
    assert.ok(kind.evidence.some((entry) => entry.label.includes('maxChannelIds')));
  });

  it('xrdp without the Standard RDP Security stage is only likely', () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(...XRDP_PROBES),
        credssp: skipped('credssp', 'the server did not select CredSSP'),
        rdpSecurity: skipped('rdp-security', 'not run'),
      }),
    );
    assert.deepEqual([kind.kind, kind.confidence], ['xrdp', 'likely']);
  });

  it("FreeRDP's shadow server: winpr's 6.1.7601 with DYNVC_GFX, and its generated certificate", () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(...SHADOW_NLA_PROBES),
        credssp: credssp({}, SHADOW_NTLM),
        certificate: certificate(SHADOW_CERTIFICATE),
      }),
    );
    assert.deepEqual([kind.kind, kind.confidence], ['freerdp', 'likely']);
  });

  it('a real Windows 6.1 host (6.1.7601, flags 0x01) is not taken for FreeRDP', () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(withFlags(probe('modern', { selected: 2 }), 0x01)),
        credssp: credssp({}, { productVersion: { major: 6, minor: 1, build: 7601, revision: 15 } }),
      }),
    );
    assert.notEqual(kind.kind, 'freerdp');
  });

  it('a current Windows (capture): flags 0x1f and its own self-signed certificate are certain', () => {
    const kind = serverKind(
      observationsFromCapture(`${PCAP}zeek-rdp-no-cookie-mstshash.pcap`, 'CLK-456040-D'),
    );
    assert.deepEqual([kind.kind, kind.confidence], ['windows', 'certain']);
  });

  it('Server 2008 R2 (capture): flags 0x01, only its certificate says Windows, so likely', () => {
    const kind = serverKind(observationsFromCapture(`${PCAP}zeek-rdp-to-ssl.pcap`, 'WIN2K8R2'));
    assert.deepEqual([kind.kind, kind.confidence], ['windows', 'likely']);
  });

  it('Server 2003 (capture) gives nothing distinctive: unknown, not Windows by elimination', () => {
    const observations = observationsFromCapture(`${PCAP}zeek-rdp-proprietary-encryption.pcap`, 'w2k3');
    assert.equal(observations.rdpSecurity?.observation?.mcsMaxChannelIds, 34);
    assert.equal(serverKind(observations).kind, 'unknown');
  });

  it('a server selecting a protocol it was not offered (the lab) is unknown, whatever else it shows', () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(
          withFlags(probe('modern', { selected: 1 }), 0x1f),
          withFlags(probe('hybrid', { selected: 1 }), 0x1f),
        ),
        certificate: certificate({ selfSigned: true, keyUsage: ['keyEncipherment', 'dataEncipherment'] }),
      }),
    );
    assert.equal(kind.kind, 'unknown');
    assert.ok(kind.evidence.some((entry) => String(entry.value).includes('did not offer')));
  });

  it('signals of two kinds at once give unknown', () => {
    const kind = serverKind(
      healthy({
        negotiation: negotiationOnly(
          withFlags(probe('modern', { selected: 1 }), 0x1f),
          withFlags(probe('hybrid', { selected: 0 }), 0x1f),
        ),
      }),
    );
    assert.equal(kind.kind, 'unknown');
  });
});

describe('credsspUnavailable', () => {
  it('is empty for a server that did CredSSP', () => {
    assert.deepEqual(credsspUnavailable(healthy()), []);
  });

  it('names the CredSSP-only requests xrdp answered with something else', () => {
    const unable = credsspUnavailable(healthy({ negotiation: negotiationOnly(...XRDP_PROBES) }));
    assert.equal(unable.length, 2);
    assert.match(String(unable[0]?.value), /selected PROTOCOL_RDP/);
  });

  it('a failure code to a CredSSP-only request counts too', () => {
    const unable = credsspUnavailable(
      healthy({
        negotiation: negotiationOnly(probe('modern', { selected: 1 }), probe('hybrid', { failure: 2 })),
      }),
    );
    assert.match(String(unable[0]?.value), /SSL_NOT_ALLOWED_BY_SERVER/);
  });

  it('HYBRID selected but no NTLM CHALLENGE (closed) means it cannot do NLA', () => {
    const unable = credsspUnavailable(
      healthy({
        credssp: failed('credssp', 'closed', {
          underProtocol: 'hybrid',
          outcome: 'closed',
          clientVersion: 6,
          ms: 3,
        }),
      }),
    );
    assert.match(String(unable[0]?.value), /no NTLM CHALLENGE/);
  });

  it('a CredSSP timeout is not taken as inability', () => {
    const unable = credsspUnavailable(
      healthy({
        credssp: failed('credssp', 'timeout', {
          underProtocol: 'hybrid',
          outcome: 'timeout',
          clientVersion: 6,
          ms: 3,
        }),
      }),
    );
    assert.deepEqual(unable, []);
  });
});
