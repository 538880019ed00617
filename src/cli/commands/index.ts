import type { CommandSpec } from '../spec.js';
import { analyzeCommand } from './analyze.js';
import { clientsCommand } from './clients.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { diagnoseCommand } from './diagnose.js';
import { explainCommand } from './explain.js';
import { exporterCommand } from './exporter.js';
import { fixCommand } from './fix.js';
import { labCommand } from './lab.js';
import { scanCommand } from './scan.js';

/** Every command, in the order `--help` lists them. Each spec file keeps its imports light. */
export const COMMANDS: readonly CommandSpec[] = [
  diagnoseCommand,
  scanCommand,
  exporterCommand,
  analyzeCommand,
  collectCommand,
  fixCommand,
  explainCommand,
  demoCommand,
  labCommand,
  clientsCommand,
];
