import { after, it } from 'node:test';
import { diagnose } from '../src/diagnosis.js';
import { addressAllocator, startXrdp } from './testbed/index.js';
const stops: (() => Promise<void>)[] = [];
after(async () => { await Promise.all(stops.map((s) => s())); });
it('dbg', { timeout: 60000 }, async () => {
  const x = await startXrdp({ address: await addressAllocator.next(), tlsCiphers: 'HIGH:@SECLEVEL=0' }); stops.push(() => x.stop());
  const d = await diagnose({ host: x.host, port: 3389 }, { timeoutMs: 6000 });
  const p = d.observations.tlsPosture;
  console.log(p?.status, p?.reason, p?.summary, JSON.stringify(p?.observation?.ciphers.filter(c => /NULL|anon/.test(c.name)).length), d.document.findings.map(f=>f.id));
});
