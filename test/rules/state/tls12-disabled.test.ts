import { tls12Disabled } from '../../../src/rules/state/tls12-disabled.js';
import { KEYS } from '../../../src/rules/state/helpers.js';
import {
  clientState,
  combine,
  EMPTY_STATE,
  fromDocument,
  regFile,
  SCHANNEL_ABSENT,
  schannelKey,
  serverDocument,
  serverState,
} from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const off = { Enabled: 0, DisabledByDefault: 1 };
const server2019 = (registry: Record<string, Record<string, number> | null>) =>
  fromDocument(
    'rdp-doctor-server-RDP19.json',
    serverDocument(
      {
        computer: {
          name: 'RDP19',
          domain: 'contoso.com',
          osCaption: 'Windows Server 2019',
          osVersion: '10.0.17763',
          osBuild: 17763,
          elevated: true,
        },
      },
      registry,
    ),
  );

stateRuleTester(tls12Disabled, {
  valid: [
    {
      name: 'nothing configured on Server 2022 and Windows 11',
      state: combine(serverState(), clientState()),
    },
    {
      name: 'TLS 1.0/1.1 off, TLS 1.2 on explicitly (.reg of the Protocols tree)',
      state: regFile('schannel.reg', {
        [KEYS.schannelProtocols]: {},
        [schannelKey('TLS 1.0', 'Server')]: off,
        [schannelKey('TLS 1.1', 'Server')]: off,
        [schannelKey('TLS 1.2', 'Server')]: { Enabled: 1, DisabledByDefault: 0 },
      }),
    },
  ],
  invalid: [
    {
      name: 'TLS 1.2 off on Server 2019: only TLS 1.0/1.1 left, current clients fail',
      state: server2019({ [schannelKey('TLS 1.2', 'Server')]: off }),
      findings: [
        {
          severity: 'error',
          title: /TLS 1\.2 is off on the server \(RDP19\): .*Windows 11 24H2.*cannot connect/,
          evidence: [
            {
              label: 'TLS 1.2 Server',
              value: 'off (Enabled=0, DisabledByDefault=1)',
              source: `rdp-doctor-server-RDP19.json registry ${schannelKey('TLS 1.2', 'Server')}`,
            },
            { label: 'TLS versions left on the server', value: 'TLS 1.0, TLS 1.1' },
          ],
        },
      ],
    },
    {
      name: 'TLS 1.2 off on Server 2022: TLS 1.3 still carries current clients',
      state: serverState({}, { [schannelKey('TLS 1.2', 'Server')]: off }),
      findings: [{ severity: 'warning', title: /TLS 1\.0, TLS 1\.1, TLS 1\.3 still carry current clients/ }],
    },
    {
      name: 'DisabledByDefault alone turns it off for RDP',
      state: server2019({ [schannelKey('TLS 1.2', 'Server')]: { DisabledByDefault: 1 } }),
      findings: [
        { severity: 'error', evidence: [{ label: 'TLS 1.2 Server', value: 'off (DisabledByDefault=1)' }] },
      ],
    },
    {
      name: 'client with only TLS 1.2 client side on, switched off, against a 2019 server that only has TLS 1.2',
      state: combine(
        server2019({
          [schannelKey('TLS 1.0', 'Server')]: off,
          [schannelKey('TLS 1.1', 'Server')]: off,
        }),
        clientState(
          {},
          {
            ...SCHANNEL_ABSENT,
            [schannelKey('TLS 1.2', 'Client')]: off,
          },
        ),
      ),
      findings: [
        {
          severity: 'error',
          title: /TLS 1\.2 is off on the client \(LAPTOP7\): RDP19 cannot connect/,
          evidence: [
            {
              label: 'TLS 1.2 Client',
              source: `rdp-doctor-client-LAPTOP7.json registry ${schannelKey('TLS 1.2', 'Client')}`,
            },
          ],
        },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'SCHANNEL not covered',
      state: regFile('ts.reg', { [KEYS.terminalServer]: {} }),
      reason: 'SCHANNEL',
    },
  ],
});
