import type { DiagnoseDocument } from '../report/diagnose-json.js';

/** One endpoint of a fleet. */
export interface FleetTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * What one probe of a fleet gave: a diagnosis, or no verdict at all (the host's deadline passed,
 * or our own code failed). Scan and the exporter both render these, never a diagnosis they lack.
 */
export type FleetResult =
  | {
      readonly kind: 'diagnosed';
      readonly target: FleetTarget;
      readonly document: DiagnoseDocument;
      /** Wall time of the probe, from its start (not from when it was queued). */
      readonly ms: number;
    }
  | {
      readonly kind: 'deadline' | 'error';
      readonly target: FleetTarget;
      readonly ms: number;
      /** One sentence: "no verdict within 20000 ms", "internal error: ...". */
      readonly message: string;
      readonly startedAt: string;
    };
