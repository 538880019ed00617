import { FREERDP_TRANSPORT_FAILED, MSTSC_RECV_FAILED, MSTSC_SOCKET_CLOSED } from '../common/client-errors.js';
import { defineRule, evidence, found, notEvaluated, PASS, withStage } from './helpers.js';

/** Fewer samples than this say nothing about stability. */
export const MIN_SAMPLES = 3;
/** Mean difference between consecutive connect times above which interactive RDP stutters. */
export const JITTER_LIMIT_MS = 100;

export const rule = defineRule(
  {
    id: 'network-unstable',
    title: 'The network path to the server is unstable',
    severity: 'warning',
    requires: ['tcp'],
    docs: {
      explanation: `Repeated TCP connections to the RDP port did not behave the same: some failed, or the connect time jumped around (jitter: the mean difference between consecutive connect times above ${JITTER_LIMIT_MS} ms). Sessions over such a path freeze, reconnect or drop; the cause is usually packet loss on Wi-Fi, a saturated uplink, a VPN, or a firewall or load balancer that rate-limits new connections.`,
      falseAlarm:
        'A single slow sample (a DNS or ARP refresh, a busy laptop) can raise jitter; run the probe again. Some firewalls rate-limit repeated connections on purpose, which is not a problem for one real client.',
    },
    clientErrors: [MSTSC_SOCKET_CLOSED, MSTSC_RECV_FAILED, FREERDP_TRANSPORT_FAILED],
    fixes: [
      {
        title: 'Measure loss and latency along the path',
        risk: 'low',
        where: 'network',
        steps: [
          'Run a longer measurement from the client; loss on one hop that continues to later hops points at that hop.',
          'Prefer a wired connection; check VPN and uplink utilisation.',
        ],
        // Quoted: a bare <...> is a redirection in cmd (and reserved in PowerShell).
        script: { language: 'cmd', code: 'pathping -q 50 "<server address>"' },
      },
      {
        title: 'Let RDP use UDP and tolerate loss better',
        risk: 'low',
        where: 'network',
        steps: [
          'RDP adds a UDP transport on the same port (3389/udp) that copes better with loss and latency; allow it through the firewalls on the path.',
        ],
      },
    ],
  },
  (observations) =>
    withStage(observations.tcp, 'tcp', 'ok', (tcp) => {
      const samples = tcp.samples;
      if (samples.length < MIN_SAMPLES) {
        return notEvaluated(
          `only ${samples.length} repeated connect(s) were made; at least ${MIN_SAMPLES} are needed`,
        );
      }
      const failures = samples.filter((sample) => sample.outcome !== 'connected');
      const times = samples.flatMap((sample) => (sample.connectMs === undefined ? [] : [sample.connectMs]));
      const steps = times.slice(1).map((time, index) => Math.abs(time - (times[index] ?? time)));
      const jitter = steps.length > 0 ? steps.reduce((sum, step) => sum + step, 0) / steps.length : 0;
      if (failures.length === 0 && jitter <= JITTER_LIMIT_MS) return PASS;
      return found([
        {
          evidence: [
            evidence('connects attempted', samples.length, 'tcp'),
            evidence('connects failed', failures.length, 'tcp'),
            evidence('connect times (ms)', times.map((time) => Math.round(time)).join(', '), 'tcp'),
            evidence('jitter (ms)', Math.round(jitter), 'tcp'),
          ],
          data: { attempts: samples.length, failures: failures.length, jitterMs: Math.round(jitter) },
        },
      ]);
    }),
);
