// Converters from the component-owned benchmarks' own result shapes (bench/search.ts,
// bench/replay.ts, bench/solver.ts) to figures. A single measurement becomes a figure with
// repeats = 1; repeated ones keep their samples.
import type { Figure } from '../../src/bench/index.js';
import { makeFigure } from '../../src/bench/index.js';

export interface Converted {
  figures: Figure[];
  notes: string[];
}

interface SearchPoint {
  envId: string;
  numGames: number;
  simulations: number;
  usPerSimulation: number;
  cpuUsPerSimulation: number;
  napiCallsPerSimulation: number;
  treeTimeShare: number;
  averageBatchFill: number;
}

export function convertSearch(result: unknown): Converted {
  const r = result as { headlineRepeats: SearchPoint[]; sweep: SearchPoint[] };
  const figures: Figure[] = [];
  const head = r.headlineRepeats;
  const points = (p: SearchPoint) => ({ game: p.envId, G: p.numGames, S: p.simulations });
  const emit = (label: string, list: SearchPoint[]) => {
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

interface ReplayResult {
  writes: { backend: string; batch: number | string; transitionsPerSecond: number }[];
  sampling: { backend: string; rows: number; window: number; n: number; medianMs: number; p95Ms: number }[];
  scaling: {
    backend: string;
    writers: number;
    transitionsPerSecond: number;
    meanBatchMs: number;
    maxBatchMs: number;
    failures: number;
  }[];
  notes: string[];
}

export function convertReplay(result: unknown): Converted {
  const r = result as ReplayResult;
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

interface SolverResult {
  tableLog2: number;
  sets: {
    set: string;
    label: string;
    positions: number;
    wrong: number;
    meanMs: number;
    medianMs: number;
    maxMs: number;
    knodesPerSecond: number;
    nodesPerPosition: number;
  }[];
  missing: string[];
}

export function convertSolver(result: unknown): Converted {
  const r = result as SolverResult;
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
