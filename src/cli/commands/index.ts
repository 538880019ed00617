import type { CommandSpec } from '../spec.js';

/** Every command, in the order `--help` lists them. Each spec file keeps its imports light. */
export const COMMANDS: readonly CommandSpec[] = [];
