import type { Evidence } from '../types.js';
import { sameMachineName } from '../common/claimed-names.js';
import { defineRule, evidence, found, normaliseName, notEvaluated, observationOf } from './helpers.js';

/**
 * A name the server gives for itself contradicts the name typed when both sit in the same DNS
 * domain (server1.corp.example vs server7.corp.example), or the typed name is a single label.
 * Names in different domains are not compared: rdp.example.com pointing at host7.corp.local is
 * ordinary NAT or CNAME practice.
 */
function contradicts(expected: string, claimed: string): boolean {
  const [expectedHost, ...expectedDomain] = normaliseName(expected).split('.');
  const [claimedHost, ...claimedDomain] = normaliseName(claimed).split('.');
  if (!expectedHost || !claimedHost) return false;
  if (expectedDomain.length === 0) return expectedHost !== claimedHost;
  return expectedDomain.join('.') === claimedDomain.join('.') && expectedHost !== claimedHost;
}

export const rule = defineRule(
  {
    id: 'host-identity-mismatch',
    title: 'The machine that answered is not the one named',
    severity: 'warning',
    requires: ['credssp', 'certificate'],
    docs: {
      explanation:
        'The server identified itself with a different computer name than the one you connected to: the DNS computer name in its NTLM challenge, or the computer name in its self-signed Remote Desktop certificate, names another host in the same domain. A stale DNS record, a recycled IP address, a wrong port forward or NAT rule sends clients to the wrong machine; users then see unexpected certificate warnings, Kerberos fails (the ticket is for the other name) and credentials are offered to a machine they were not meant for.',
      falseAlarm:
        "A deliberate alias (a DNS CNAME or a cluster name in the same domain) that points at a differently named host is legitimate: when the server's own name resolves to the same address as the name typed, rdp-doctor sees that and does not raise this finding (the certificate's name mismatch stays tls-cert-name-mismatch's). It cannot see it when the server's name does not resolve from where rdp-doctor runs (split DNS, a NetBIOS-only name). A server renamed recently whose self-signed certificate still carries the old name until it is renewed looks the same.",
    },
    clientErrors: [
      {
        client: 'mstsc',
        code: 'certificate warning',
        note: 'the certificate is issued to a different name than the one typed; Kerberos falls back to NTLM or fails',
      },
    ],
    fixes: [
      {
        title: 'Find where the name points and correct the record or forward',
        risk: 'low',
        where: 'network',
        steps: [
          'Compare the A/AAAA record and any CNAME for the name with the IP address of the intended server.',
          'Check NAT and port-forward rules that map the public address to an internal host.',
          'After a fix, clear cached lookups on the client.',
        ],
        script: {
          language: 'powershell',
          code: "Resolve-DnsName -Name '<server name>' -Type A_AAAA\nClear-DnsClientCache",
        },
      },
    ],
  },
  (observations) => {
    const credssp = observationOf(observations.credssp, 'credssp', 'ran');
    const certificate = observationOf(observations.certificate, 'certificate', 'ok');
    if (!credssp?.ntlm && !certificate) {
      return notEvaluated(
        'neither an NTLM challenge nor a certificate was observed, so the server did not name itself',
      );
    }
    if (
      observations.target.expectedName === '' ||
      certificate?.expectedNameIsIp ||
      /^[\d.]+$|:/.test(observations.target.expectedName)
    ) {
      return notEvaluated('the target is an IP address, so there is no name to compare with');
    }
    const expected = observations.target.expectedName;
    const claims: Evidence[] = [];
    const ntlm = credssp?.ntlm;
    if (ntlm?.dnsComputerName && contradicts(expected, ntlm.dnsComputerName)) {
      claims.push(evidence('NTLM DNS computer name', ntlm.dnsComputerName, 'credssp'));
    } else if (
      ntlm?.netbiosComputerName &&
      !expected.includes('.') &&
      contradicts(expected, ntlm.netbiosComputerName)
    ) {
      claims.push(evidence('NTLM NetBIOS computer name', ntlm.netbiosComputerName, 'credssp'));
    }
    // Only a self-signed certificate names the machine itself; a CA-issued one names a service.
    const leaf = certificate?.chain[0];
    if (leaf?.selfSigned && leaf.commonName && contradicts(expected, leaf.commonName)) {
      claims.push(evidence('self-signed certificate common name', leaf.commonName, 'certificate'));
    }
    // A claimed name that resolves to the address reached is the same machine under another name.
    const otherMachine = claims.filter((claim) => !sameMachineName(observations, String(claim.value)));
    if (otherMachine.length === 0) return found([]);
    const unresolved = otherMachine.map((claim) => {
      const lookup = certificate?.claimedNames?.find((entry) => entry.name === claim.value);
      return lookup
        ? evidence(
            `${claim.value} resolves to`,
            lookup.addresses.join(', ') || 'nothing (does not resolve here)',
            'dns',
          )
        : undefined;
    });
    return found([
      {
        evidence: [
          evidence('name connected to', expected, 'target'),
          ...otherMachine,
          ...unresolved.filter((entry): entry is Evidence => entry !== undefined),
        ],
        data: { expectedName: expected, claimedNames: otherMachine.map((claim) => claim.value) },
      },
    ]);
  },
);
