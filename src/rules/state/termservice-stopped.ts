import { FIX_START_RDP_SERVICES, onAzure } from '../../collect/fix-catalog.js';
import type { CollectedService } from '../../evidence/state/collect-document.js';
import type { StateEvidence } from '../../evidence/state/types.js';
import { FREERDP_REFUSED, MSTSC_SOCKET_CONNECT_FAILED } from '../common/client-errors.js';
import type { Rule, RuleReport } from '../types.js';
import { found, notEvaluated, perMachine, section, type StateNeed } from './helpers.js';

/** registry.json "services": TermService runs the listener; UmRdpService must run too; SessionEnv renews the certificate. */
const ROLES: Readonly<Record<string, string>> = {
  TermService: 'Remote Desktop Services: the RDP listener itself',
  UmRdpService: 'Remote Desktop Services UserMode Port Redirector: device redirection in sessions',
  SessionEnv: 'Remote Desktop Configuration: creates and renews the self-signed RDP certificate',
};

function describe(service: CollectedService): string {
  return `${service.status}, start type ${service.startType}`;
}

export const termserviceStopped: Rule<StateEvidence, StateNeed> = {
  meta: {
    id: 'termservice-stopped',
    title: 'Remote Desktop Services (TermService) is not running',
    severity: 'error',
    requires: ['services'],
    docs: {
      explanation:
        'TermService hosts the RDP-Tcp listener: when it is stopped, disabled or missing nothing listens on the RDP ' +
        'port and every client fails to connect (mstsc 0x204, the port refuses). UmRdpService (redirection) not ' +
        'running, or SessionEnv (which creates and renews the self-signed certificate) disabled, are reported as ' +
        'warnings: sessions work, but redirected drives or printers fail, or the certificate is not renewed.',
      falseAlarm:
        'A collector run during a restart of the service sees it stopping or starting; collect again. SessionEnv ' +
        'stopped with start type Manual is normal (it starts when needed) and is not reported.',
    },
    clientErrors: [MSTSC_SOCKET_CONNECT_FAILED, ...FREERDP_REFUSED],
    fixes: [FIX_START_RDP_SERVICES, onAzure(FIX_START_RDP_SERVICES)],
  },
  evaluate(evidence) {
    return perMachine(evidence, ['server'], (machine) => {
      const services = section(machine, 'services');
      if (services.kind === 'missing') return notEvaluated(services.reason);
      const byName = (name: string) =>
        services.value.find((service) => service.name.toLowerCase() === name.toLowerCase());
      const line = (service: CollectedService) => ({
        label: service.name,
        value: `${describe(service)} (${ROLES[service.name] ?? ''})`,
        source: services.source,
      });
      const reports: RuleReport[] = [];
      const term = byName('TermService');
      if (!term) return notEvaluated(`${services.source} does not list TermService`);
      const disabled = (service: CollectedService) => /^disabled$/i.test(service.startType);
      const running = (service: CollectedService) => /^running$/i.test(service.status);
      if (!running(term) || disabled(term)) {
        reports.push({
          evidence: [line(term)],
          ...(term.status === 'NotFound'
            ? { title: 'Remote Desktop Services (TermService) is not installed' }
            : {}),
          ...(running(term)
            ? {
                severity: 'warning' as const,
                title: 'TermService runs but is disabled: it will not start after a reboot',
              }
            : {}),
          data: { service: term.name, status: term.status, startType: term.startType },
        });
      }
      const redirector = byName('UmRdpService');
      if (redirector && (!running(redirector) || disabled(redirector)) && redirector.status !== 'NotFound') {
        reports.push({
          severity: 'warning',
          title: 'The Remote Desktop UserMode Port Redirector (UmRdpService) is not running',
          evidence: [line(redirector)],
          data: { service: redirector.name, status: redirector.status, startType: redirector.startType },
        });
      }
      const configuration = byName('SessionEnv');
      if (configuration && disabled(configuration)) {
        reports.push({
          severity: 'warning',
          title:
            'Remote Desktop Configuration (SessionEnv) is disabled: the self-signed certificate is not renewed',
          evidence: [line(configuration)],
          data: {
            service: configuration.name,
            status: configuration.status,
            startType: configuration.startType,
          },
        });
      }
      return found(reports);
    });
  },
};
