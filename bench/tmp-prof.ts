import { startChild } from './lib/children';
import { runLoad, sendAll } from './lib/raw-client';
import { createTableRequest, DEFAULT_WORKLOAD, preloadRequests, rawRequests } from './lib/workload';
import { writeFileSync } from 'node:fs';
async function main() {
  const op = (process.argv[2] ?? 'GetItem') as any;
  const states = ['record-off', 'record-on'];
  const server = await startChild('memory-recorded');
  await sendAll(server.host, server.port, 1, [createTableRequest()]);
  await sendAll(server.host, server.port, 32, preloadRequests(DEFAULT_WORKLOAD));
  let answers = 0;
  const rounds = Number(process.argv[3] ?? 40);
  const load = runLoad({ host: server.host, port: server.port, connections: 32, requests: rawRequests(op, DEFAULT_WORKLOAD), durationMs: 1500 + rounds * 2 * 250 + 2000, warmupMs: 0, onAnswer: () => answers++ });
  await new Promise((r) => setTimeout(r, 1500));
  const slices: { state: string; from: number; to: number; answers: number }[] = [];
  for (let r = 0; r < rounds; r++) for (const s of r % 2 ? [...states].reverse() : states) {
    const a = await server.command(s); const n0 = answers;
    await new Promise((res) => setTimeout(res, 250));
    const b = await server.command(s);
    slices.push({ state: s, from: a.monoUs as number, to: b.monoUs as number, answers: answers - n0 });
  }
  await server.command('record-off');
  await load;
  await server.stop();
  writeFileSync('/tmp/slices.json', JSON.stringify(slices));
}
main();
