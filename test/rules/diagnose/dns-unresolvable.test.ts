import { rule } from '../../../src/rules/diagnose/dns-unresolvable.js';
import { failed, HOST, healthy, ok, skipped } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const notFound = { code: 'ENOTFOUND', message: `getaddrinfo ENOTFOUND ${HOST}` };

ruleTester(rule, {
  valid: [
    { name: 'the name resolves', observations: healthy() },
    {
      name: 'an IP literal needs no lookup',
      observations: healthy({
        dns: ok('dns', {
          query: '192.0.2.10',
          literal: true,
          addresses: [{ address: '192.0.2.10', family: 4 }],
          reverseNames: [],
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'NXDOMAIN',
      observations: healthy({
        dns: failed('dns', 'not-found', {
          query: HOST,
          literal: false,
          addresses: [],
          reverseNames: [],
          error: notFound,
        }),
      }),
      findings: [
        {
          severity: 'error',
          title: 'The server name does not resolve',
          evidence: [
            { label: 'name looked up', value: HOST },
            { label: 'lookup result', value: /ENOTFOUND/ },
          ],
        },
      ],
    },
    {
      name: 'the DNS server timed out',
      observations: healthy({
        dns: failed('dns', 'timeout', {
          query: HOST,
          literal: false,
          addresses: [],
          reverseNames: [],
          error: { code: 'ETIMEOUT', message: 'queryA ETIMEOUT' },
        }),
      }),
      findings: [{ severity: 'error', title: /timed out/ }],
    },
  ],
  notEvaluated: [
    { name: 'the stage did not run', observations: healthy({ dns: undefined }), reason: 'did not run' },
    {
      name: 'the stage was skipped',
      observations: healthy({ dns: skipped('dns', 'dry run') }),
      reason: 'dry run',
    },
    {
      name: 'our own bug',
      observations: healthy({ dns: failed('dns', 'internal-bug') }),
      reason: 'internal error',
    },
  ],
});
