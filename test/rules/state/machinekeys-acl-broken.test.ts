import assert from 'node:assert/strict';
import { it } from 'node:test';
import { accessOf } from '../../../src/rules/state/machinekeys-acl-broken.js';
import { machinekeysAclBroken } from '../../../src/rules/state/machinekeys-acl-broken.js';
import type { CollectedAce } from '../../../src/evidence/state/collect-document.js';
import { DEFAULT_MACHINE_KEYS_ACL, EMPTY_STATE, RDP_CERTIFICATE, serverState } from '../../helpers/state.js';
import { stateRuleTester } from '../../helpers/state-rule-tester.js';

const folder = (access: CollectedAce[]) => ({ machineKeys: { ...DEFAULT_MACHINE_KEYS_ACL, access } });
const [EVERYONE, ADMINISTRATORS] = DEFAULT_MACHINE_KEYS_ACL.access as [CollectedAce, CollectedAce];
const keyFileWith = (access: CollectedAce[]) => ({
  certificates: [{ ...RDP_CERTIFICATE, keyFileAcl: { ...RDP_CERTIFICATE.keyFileAcl!, access } }],
});
const [SYSTEM_FULL, , NETWORK_SERVICE_READ] = RDP_CERTIFICATE.keyFileAcl!.access as [
  CollectedAce,
  CollectedAce,
  CollectedAce,
];

stateRuleTester(machinekeysAclBroken, {
  valid: [
    { name: "Windows' default ACL", state: serverState() },
    {
      name: 'hardened: explicit SYSTEM and NETWORK SERVICE instead of Everyone (numeric rights)',
      state: serverState(
        folder([
          ADMINISTRATORS,
          { identity: 'S-1-5-18', rights: '2032127', type: 'Allow', inherited: false },
          {
            identity: 'NT AUTHORITY\\NETWORK SERVICE',
            rights: 'Modify, Synchronize',
            type: 'Allow',
            inherited: false,
          },
        ]),
      ),
    },
    {
      name: 'a Deny entry for an account the listener does not need',
      state: serverState(
        folder([
          EVERYONE,
          ADMINISTRATORS,
          {
            identity: 'CONTOSO\\guest',
            sid: 'S-1-5-21-1-2-3-501',
            rights: 'FullControl',
            type: 'Deny',
            inherited: false,
          },
        ]),
      ),
    },
  ],
  invalid: [
    {
      name: 'Everyone removed from the folder',
      state: serverState(folder([ADMINISTRATORS])),
      findings: [
        {
          severity: 'error',
          evidence: [
            {
              label: 'MachineKeys folder',
              value: 'NETWORK SERVICE lacks read + write (Windows grants Everyone: Read, Write)',
              source:
                'rdp-doctor-server-RDP01.json machineKeys C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys',
            },
          ],
        },
      ],
    },
    {
      name: 'a Deny entry for Everyone',
      state: serverState(
        folder([
          EVERYONE,
          ADMINISTRATORS,
          { identity: 'Everyone', sid: 'S-1-1-0', rights: 'Read', type: 'Deny', inherited: false },
        ]),
      ),
      findings: [
        {
          evidence: [
            {
              label: 'MachineKeys folder',
              value: /Deny entry for Everyone \(Read\) takes read from NETWORK SERVICE/,
            },
          ],
        },
      ],
    },
    {
      name: 'Administrators reduced to read',
      state: serverState(folder([EVERYONE, { ...ADMINISTRATORS, rights: 'ReadAndExecute, Synchronize' }])),
      findings: [{ evidence: [{ label: 'MachineKeys folder', value: /Administrators lacks full/ }] }],
    },
    {
      name: 'the listener key file lacks NETWORK SERVICE',
      state: serverState(keyFileWith([SYSTEM_FULL])),
      findings: [
        {
          evidence: [
            {
              label: 'listener key file',
              value: /^NETWORK SERVICE lacks read \(Windows grants NETWORK SERVICE: Read\); key of CN=RDP01/,
            },
          ],
        },
      ],
    },
    {
      name: 'the key file denies NETWORK SERVICE',
      state: serverState(
        keyFileWith([
          SYSTEM_FULL,
          NETWORK_SERVICE_READ,
          { ...NETWORK_SERVICE_READ, type: 'Deny', rights: 'FullControl' },
        ]),
      ),
      findings: [
        { evidence: [{ label: 'listener key file', value: /Deny entry for NT AUTHORITY\\NETWORK SERVICE/ }] },
      ],
    },
  ],
  notEvaluated: [
    { name: 'no state', state: EMPTY_STATE },
    {
      name: 'MachineKeys ACL skipped',
      state: serverState({
        machineKeys: null,
        skipped: [{ check: 'machineKeys', reason: 'not-elevated', detail: '' }],
      }),
      reason: 'not run elevated',
    },
    {
      name: 'folder fine, certificates not read',
      state: serverState({
        certificates: null,
        skipped: [{ check: 'certificates', reason: 'error', detail: 'x' }],
      }),
      reason: 'the listener key file was not judged',
    },
  ],
});

it('reads FileSystemRights names and masks', () => {
  assert.deepEqual([...accessOf('FullControl')].sort(), ['full', 'read', 'write']);
  assert.deepEqual([...accessOf('Read, Synchronize')], ['read']);
  assert.deepEqual([...accessOf('268435456')].sort(), ['full', 'read', 'write']);
  assert.deepEqual([...accessOf('-2147483648')], ['read']);
  assert.deepEqual([...accessOf('Synchronize')], []);
});
