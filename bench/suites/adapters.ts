// Converters from the component-owned benchmarks' own result shapes (bench/search.ts,
// bench/replay.ts, bench/solver.ts) to figures. A single measurement becomes a figure with
// repeats = 1; repeated ones keep their samples.
import type { Figure } from '../../src/bench/index.js';
import { makeFigure } from '../../src/bench/index.js';
// The benchmarks' own result types (type-only imports: nothing of those scripts runs here).
import type { ReplayBenchResult } from '../replay.js';
import type { SearchBenchPoint, SearchBenchResult } from '../search.js';
import type { SolverBenchReport } from '../solver.js';

export interface Converted {
  figures: Figure[];
  notes: string[];
}

export function convertSearch(result: unknown): Converted {
  const r = result as SearchBenchResult;
  const figures: Figure[] = [];
  const head = r.headlineRepeats;
  const points = (p: SearchBenchPoint) => ({ game: p.envId, G: p.numGames, S: p.simulations });
  const emit = (label: string, list: SearchBenchPoint[]) => {
    const params = { ...points(list[0]!), run: label };
    figures.push(
      makeFigure(
        'µs per simulation (free evaluator)',
        'µs',
        params,
        list.map((p) => p.usPerSimulation),
        'lower',
      ),
      makeFigure(
        'CPU µs per simulation',
        'µs',
        params,
        list.map((p) => p.cpuUsPerSimulation),
        'lower',
      ),
      makeFigure(
        'N-API calls per simulation',
        'calls',
        params,
        list.map((p) => p.napiCallsPerSimulation),
        'lower',
      ),
      makeFigure(
        'tree time share',
        'fraction',
        params,
        list.map((p) => p.treeTimeShare),
      ),
    );
  };
  if (head.length > 0) emit('headline', head);
  for (const p of r.sweep) emit('sweep', [p]);
  return {
    figures,
    notes: ['search: self-play arena with a free (uniform) evaluator; one N-API call per batch step'],
  };
}

export function convertReplay(result: unknown): Converted {
  const r = result as ReplayBenchResult;
  const figures: Figure[] = [];
  for (const w of r.writes) {
    figures.push(
      makeFigure('insert transitions/s', 'transitions/s', { backend: w.backend, batch: w.batch }, [
        w.transitionsPerSecond,
      ]),
    );
  }
  for (const s of r.sampling) {
    const params = { backend: s.backend, rows: s.rows, window: s.window, n: s.n };
    figures.push(
      makeFigure('sample latency (median)', 'ms', params, [s.medianMs], 'lower'),
      makeFigure('sample latency (p95)', 'ms', params, [s.p95Ms], 'lower'),
    );
  }
  for (const s of r.scaling) {
    const params = { backend: s.backend, writers: s.writers };
    figures.push(
      makeFigure('writer scaling transitions/s', 'transitions/s', params, [s.transitionsPerSecond]),
      makeFigure('writer scaling batch write (mean)', 'ms', params, [s.meanBatchMs], 'lower'),
      makeFigure('writer scaling failed writes', 'writes', params, [s.failures], 'lower'),
    );
  }
  return { figures, notes: r.notes ?? [] };
}

export function convertSolver(result: unknown): Converted {
  const r = result as SolverBenchReport;
  const figures: Figure[] = [];
  for (const s of r.sets) {
    const params = { set: s.set, label: s.label, positions: s.positions };
    figures.push(
      makeFigure('solve time per position (mean)', 'ms', params, [s.meanMs], 'lower'),
      makeFigure('solve time per position (median)', 'ms', params, [s.medianMs], 'lower'),
      makeFigure('solve time per position (max)', 'ms', params, [s.maxMs], 'lower'),
      makeFigure('solver knodes/s', 'knodes/s', params, [s.knodesPerSecond]),
      makeFigure('wrong solutions', 'positions', params, [s.wrong], 'lower'),
    );
  }
  const notes = [`solver: transposition table 2^${r.tableLog2} entries`];
  if (r.missing.length > 0) notes.push(`solver: test sets not found here: ${r.missing.join(', ')}`);
  return { figures, notes };
}
