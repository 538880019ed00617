import { KEYS } from '../../../src/rules/state/helpers.js';
import { tlsCertMissing } from '../../../src/rules/state/tls-cert-missing.js';
import { EMPTY_STATE, RDP_CERTIFICATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const issued = {
  ...RDP_CERTIFICATE,
  store: 'My',
  thumbprint: '00112233445566778899AABBCCDDEEFF00112233',
  issuer: 'CN=Contoso Issuing CA',
};

stateRuleTester(tlsCertMissing, {
  valid: [
    { name: 'self-signed certificate bound', state: serverState() },
    {
      name: 'configured hash matches a certificate in My (hex with spaces and lower case)',
      state: serverState(
        { certificates: [{ ...RDP_CERTIFICATE, boundToListener: false }, issued] },
        {
          [KEYS.rdpTcp]: {
            PortNumber: 3389,
            SSLCertificateSHA1Hash: '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00 11 22 33',
          },
        },
      ),
    },
  ],
  invalid: [
    {
      name: 'no certificate at all',
      state: serverState({ certificates: [] }),
      findings: [
        {
          severity: 'error',
          title: 'No usable certificate for the RDP listener',
          evidence: [
            {
              label: 'listener certificate',
              value: /no self-signed certificate/,
              source: 'rdp-doctor-server-RDP01.json certificates',
            },
          ],
        },
      ],
    },
    {
      name: 'the configured thumbprint is in no store (event 1051)',
      state: serverState(
        {},
        {
          [KEYS.rdpTcp]: {
            PortNumber: 3389,
            SSLCertificateSHA1Hash: 'ffeeddccbbaa99887766554433221100ffeeddcc',
          },
        },
      ),
      findings: [
        {
          title: /configured listener certificate \(SSLCertificateSHA1Hash\) is not in the certificate store/,
          evidence: [
            {
              label: 'SSLCertificateSHA1Hash',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.rdpTcp}`,
            },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: '.reg only: certificates are not in a .reg',
      state: regFile('rdp.reg', { [KEYS.rdpTcp]: {} }),
      reason: 'no collector document',
    },
    {
      name: 'the collector skipped the certificates',
      state: serverState({
        certificates: null,
        skipped: [
          {
            check: 'certificates',
            reason: 'not-elevated',
            detail: 'Cert:\\LocalMachine\\Remote Desktop needs admin',
          },
        ],
      }),
      reason: 'the collector skipped certificates: the collector was not run elevated',
    },
  ],
});
