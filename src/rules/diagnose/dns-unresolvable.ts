import {
  FREERDP_DNS_NAME_NOT_FOUND,
  MSTSC_DNS_LOOKUP_FAILED,
  MSTSC_HOST_NOT_FOUND,
} from '../common/client-errors.js';
import { defineRule, evidence, found, PASS, withStage } from './helpers.js';

export const rule = defineRule(
  {
    id: 'dns-unresolvable',
    title: 'The server name does not resolve',
    severity: 'error',
    requires: ['dns'],
    docs: {
      explanation:
        'The name given for the server did not resolve to any address, so no client can even start a connection. Typical causes are a typo, a missing or deleted DNS record, a name that only exists in another DNS zone (an internal name used from outside, or the other way round), or a client whose DNS server cannot reach the zone.',
      falseAlarm:
        'The lookup ran from the machine rdp-doctor ran on. If that machine uses a different DNS server or VPN than the real client (split-horizon DNS), the client may resolve the name fine: run rdp-doctor from the client network.',
    },
    clientErrors: [MSTSC_DNS_LOOKUP_FAILED, MSTSC_HOST_NOT_FOUND, FREERDP_DNS_NAME_NOT_FOUND],
    fixes: [
      {
        title: 'Check the name and which DNS server answers for it',
        risk: 'low',
        where: 'client',
        steps: [
          'Check the spelling, and whether the name is the full DNS name (server.corp.example) rather than a short name that depends on a DNS suffix.',
          'Ask the DNS server the client uses; an NXDOMAIN means the record is missing, a timeout means the DNS server is unreachable.',
        ],
        script: {
          language: 'powershell',
          code: "Resolve-DnsName -Name '<server name>' -ErrorAction Continue\nGet-DnsClientServerAddress -AddressFamily IPv4",
        },
      },
      {
        title: 'Register the server in DNS again',
        risk: 'low',
        where: 'server',
        steps: [
          'On a domain member, re-register its A/AAAA records with its DNS server (safe to repeat).',
          'Otherwise add the record in the zone that serves the name, or connect by IP address meanwhile.',
        ],
        script: { language: 'cmd', code: 'ipconfig /registerdns' },
      },
    ],
  },
  (observations) =>
    withStage(observations.dns, 'dns', 'ran', (dns, attempt) => {
      if (dns.literal || dns.addresses.length > 0) return PASS;
      const error = dns.error ?? attempt.error;
      return found([
        {
          evidence: [
            evidence('name looked up', dns.query, 'dns'),
            evidence('lookup result', error ? `${error.code}: ${error.message}` : 'no addresses', 'dns'),
          ],
          ...(error?.code === 'ETIMEOUT' || attempt.reason === 'timeout'
            ? { title: 'The DNS lookup for the server name timed out' }
            : {}),
          data: { query: dns.query, code: error?.code },
        },
      ]);
    }),
);
