/**
 * rdp-doctor as a library: probe an endpoint, judge observations, run lab scenarios.
 * The CLI (src/cli) is a thin layer over these.
 */

export { main } from './cli/main.js';
export { type DiagnoseOptions, diagnose } from './diagnosis.js';
export { type Diagnosis, judge } from './judge.js';
export { LAB_SCENARIOS, type LabScenario } from './lab/scenarios.js';
export { type LabServer, startLabServer } from './lab/server.js';
export { type ProbeOptions, runProbe } from './probe/run-probe.js';
export type * from './probe/types.js';
export {
  buildDiagnoseDocument,
  DIAGNOSE_SCHEMA_VERSION,
  type DiagnoseDocument,
} from './report/diagnose-json.js';
export { type Evaluation, evaluateRules } from './rules/engine.js';
export { ALL_FINDING_IDS, DIAGNOSE_FINDING_IDS, EVENT_FINDING_IDS } from './rules/finding-ids.js';
export type * from './rules/types.js';
