// A node:test reporter for scripts/run-tests.mjs: writes the run's totals as one JSON object, so
// that run-tests.mjs can close with one plain line per run. The totals are the runner's own (the
// summary diagnostics its root test emits at nesting 0, the same on Node 20 and 24).
const names = { pass: 'passed', fail: 'failed', cancelled: 'cancelled', skipped: 'skipped', todo: 'todo' };

export default async function* testCountsReporter(source) {
  const counts = {};
  for await (const event of source) {
    if (event.type !== 'test:diagnostic' || event.data.nesting !== 0) continue;
    const match = /^(pass|fail|cancelled|skipped|todo) (\d+)$/.exec(event.data.message);
    if (match) counts[names[match[1]]] = Number(match[2]);
  }
  yield `${JSON.stringify(counts)}\n`;
}
