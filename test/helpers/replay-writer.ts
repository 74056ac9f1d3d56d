// Child process for the concurrent-writer tests: writes its share of synthetic episodes in batches, then
// rewrites a few episodes of its neighbour (duplicates that must be no-ops), and reports its counters.
import { openReplayStore, syntheticEpisode } from '../../src/replay/index.js';

interface WriterJob {
  target: { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };
  writer: number;
  writers: number;
  episodes: number;
  steps: number;
  batch: number;
}

const job = JSON.parse(process.argv[2]!) as WriterJob;
const store = openReplayStore({ ...job.target, attempts: 20, baseDelayMs: 10, maxDelayMs: 500 });
await store.migrate();
const episodeId = (writer: number, i: number) => `w${writer}-e${i}`;
const own = Array.from({ length: job.episodes }, (_, i) =>
  syntheticEpisode({ episodeId: episodeId(job.writer, i), steps: job.steps }),
);
const neighbour = (job.writer + 1) % job.writers;
const duplicates = Array.from({ length: Math.min(3, job.episodes) }, (_, i) =>
  syntheticEpisode({ episodeId: episodeId(neighbour, i), steps: job.steps }),
);
for (let i = 0; i < own.length; i += job.batch) await store.writeEpisodes(own.slice(i, i + job.batch));
await store.writeEpisodes(duplicates);
await store.close();
// send() is asynchronous: wait until the report is handed over, or the process may exit first
// and the parent sees a clean exit without it.
await new Promise<void>((resolve, reject) =>
  process.send!({ counters: store.counters }, undefined, {}, (error) => (error ? reject(error) : resolve())),
);
process.disconnect();
