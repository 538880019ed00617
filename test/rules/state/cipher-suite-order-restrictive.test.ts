import { cipherSuiteOrderRestrictive } from '../../../src/rules/state/cipher-suite-order-restrictive.js';
import { KEYS } from '../../../src/rules/state/helpers.js';
import { EMPTY_STATE, regFile, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const policy = (functions: string) => ({ [KEYS.cipherOrderPolicy]: { Functions: functions } });

stateRuleTester(cipherSuiteOrderRestrictive, {
  valid: [
    { name: 'no order configured', state: serverState() },
    {
      name: 'a hardened order that keeps the ECDHE-RSA GCM suites',
      state: serverState(
        {},
        policy(
          'TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        ),
      ),
    },
    {
      name: 'pre-Windows 10 names with curve suffixes',
      state: regFile(
        'ssl.reg',
        policy('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_P384'),
      ),
    },
  ],
  invalid: [
    {
      name: 'only CBC-SHA1 DHE suites no current client offers',
      state: serverState({}, policy('TLS_DHE_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA')),
      findings: [
        {
          severity: 'error',
          title: /the Group Policy "SSL Cipher Suite Order" leaves no suite that .*Windows 11 24H2/,
          evidence: [
            {
              label: 'Functions (Group Policy)',
              value: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA',
              source: `rdp-doctor-server-RDP01.json registry ${KEYS.cipherOrderPolicy}`,
            },
          ],
        },
      ],
    },
    {
      name: 'only ECDSA suites (the RSA listener certificate cannot serve them)',
      state: serverState(
        { tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] },
        policy('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'),
      ),
      findings: [
        {
          evidence: [
            { label: 'suites it allows that an RSA certificate can serve', value: 'none' },
            {
              label: 'Get-TlsCipherSuite',
              value: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
              source: 'rdp-doctor-server-RDP01.json tlsCipherSuites',
            },
          ],
        },
      ],
    },
    {
      name: 'a local order (REG_MULTI_SZ) with nothing usable',
      state: serverState({}, { [KEYS.cipherOrderLocal]: { Functions: ['TLS_RSA_WITH_NULL_SHA256'] } }),
      findings: [{ title: /the local cipher-suite order/ }],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'policy key not covered',
      state: regFile('ts.reg', { [KEYS.terminalServer]: {} }),
      reason: KEYS.cipherOrderPolicy,
    },
  ],
});
