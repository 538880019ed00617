import { FREERDP_CERT_PROMPT, MSTSC_CERT_WARNING } from '../common/client-errors.js';
import { SET_LISTENER_CERTIFICATE } from '../common/fixes.js';
import {
  certificateEvidence,
  DAY_MS,
  defineRule,
  evidence,
  found,
  nowFor,
  PASS,
  withLeaf,
} from './helpers.js';

export const rule = defineRule(
  {
    id: 'tls-cert-not-yet-valid',
    title: "The server's certificate is not valid yet",
    severity: 'warning',
    requires: ['certificate'],
    docs: {
      explanation:
        "The leaf certificate's notBefore date lies in the future. Either it was just issued by a CA whose clock runs ahead, it was installed before its start date, or a clock is wrong: the server's (a self-signed certificate starts at the server's time) or the client's. Clients show a certificate warning, and strict clients refuse.",
      falseAlarm:
        "A wrong clock on the machine running rdp-doctor produces this finding for a good certificate; compare 'checked at' with the real time.",
    },
    clientErrors: [MSTSC_CERT_WARNING, FREERDP_CERT_PROMPT],
    fixes: [
      {
        title: 'Check the server and client clocks',
        risk: 'low',
        where: 'server',
        steps: [
          'Resynchronise with the domain or an NTP source; a self-signed certificate created while the clock was wrong must then be regenerated.',
        ],
        script: { language: 'cmd', code: 'w32tm /query /status\nw32tm /resync' },
      },
      SET_LISTENER_CERTIFICATE,
    ],
  },
  (observations) =>
    withLeaf(observations, (leaf, certificate) => {
      const now = nowFor(observations, certificate.checkedAt);
      const notBefore = Date.parse(leaf.notBefore);
      if (!(notBefore > now)) return PASS;
      return found([
        {
          evidence: [
            ...certificateEvidence(leaf),
            evidence('valid from', leaf.notBefore, 'certificate'),
            evidence('checked at', certificate.checkedAt, 'certificate'),
            evidence('starts in (hours)', Math.ceil(((notBefore - now) / DAY_MS) * 24), 'certificate'),
          ],
          data: { notBefore: leaf.notBefore },
        },
      ]);
    }),
);
