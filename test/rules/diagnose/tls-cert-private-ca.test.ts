import { rule } from '../../../src/rules/diagnose/tls-cert-private-ca.js';
import { certificate, healthy, ISSUING_CA, leaf } from '../../helpers/observations.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const ISRG_ROOT_X1 = 'C=US, O=Internet Security Research Group, CN=ISRG Root X1';
const CORP_ROOT = 'DC=corp, DC=example, CN=Corp Root CA';
const corpIssuing = leaf({
  subject: 'DC=corp, DC=example, CN=Corp Issuing CA',
  issuer: CORP_ROOT,
  commonName: 'Corp Issuing CA',
  dnsNames: [],
  isCa: true,
});

ruleTester(rule, {
  valid: [
    { name: 'leaf, intermediate issued by a public root (ISRG Root X1)', observations: healthy() },
    {
      name: 'the leaf alone, issued directly by a public root',
      observations: healthy({ certificate: certificate({ issuer: ISRG_ROOT_X1 }, { chainTail: [] }) }),
    },
    {
      name: 'self-signed (tls-cert-self-signed says that)',
      observations: healthy({
        certificate: certificate(
          { selfSigned: true, issuer: 'CN=rdp.example.test', subject: 'CN=rdp.example.test' },
          { chainTail: [] },
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'an enterprise CA: intermediate and root not in the public store',
      observations: healthy({
        certificate: certificate(
          { issuer: 'DC=corp, DC=example, CN=Corp Issuing CA' },
          { chainTail: [corpIssuing] },
        ),
      }),
      findings: [
        {
          severity: 'info',
          title: `The server certificate comes from a private CA (${CORP_ROOT}): clients must trust its root`,
          evidence: [
            { label: 'issuer', value: 'DC=corp, DC=example, CN=Corp Issuing CA' },
            { label: 'root CA (not a public root)', value: CORP_ROOT },
          ],
        },
      ],
    },
    {
      name: 'the private root sent along, self-signed, names itself as the root',
      observations: healthy({
        certificate: certificate(
          { issuer: 'DC=corp, DC=example, CN=Corp Issuing CA' },
          {
            chainTail: [
              corpIssuing,
              leaf({ subject: CORP_ROOT, issuer: CORP_ROOT, selfSigned: true, isCa: true, dnsNames: [] }),
            ],
          },
        ),
      }),
      findings: [{ evidence: [{ label: 'root CA (not a public root)', value: CORP_ROOT }] }],
    },
    {
      name: 'only the leaf sent, its issuer unknown to the public store',
      observations: healthy({
        certificate: certificate({ issuer: ISSUING_CA.subject }, { chainTail: [] }),
      }),
      findings: [{ evidence: [{ label: 'root CA (not a public root)', value: ISSUING_CA.subject }] }],
    },
  ],
  notEvaluated: [{ name: 'no certificate stage', observations: healthy({ certificate: undefined }) }],
});
