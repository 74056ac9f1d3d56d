// Connect4 solver speed on Pascal Pons' four shared test sets (end-easy, middle-easy,
// begin-easy, begin-medium): time per position (mean / median / max) and correctness.
// There is no opening book, so the begin sets are the slow ones.
// Standalone: `node --import tsx bench/solver.ts [--quick] [--json]`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnect4Solver, parsePonsPositions } from '../src/eval/index.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The shared data folder next to the repository (see DESIGN.md); fixtures hold the two CI sets. */
const shared = join(repoRoot, '..', 'shared', 'data', 'connect4', 'pons');

export interface SolverSetFigure {
  set: string;
  label: string;
  positions: number;
  wrong: number;
  meanMs: number;
  medianMs: number;
  maxMs: number;
  totalS: number;
  nodesPerPosition: number;
  knodesPerSecond: number;
}

export interface SolverBenchReport {
  quick: boolean;
  tableLog2: number;
  sets: SolverSetFigure[];
  /** Sets whose file was not found (the shared data is outside the repository). */
  missing: string[];
}

const SETS = [
  { set: 'Test_L3_R1', label: 'end-easy', quickCount: 1000 },
  { set: 'Test_L2_R1', label: 'middle-easy', quickCount: 1000 },
  { set: 'Test_L1_R1', label: 'begin-easy', quickCount: 100 },
  { set: 'Test_L1_R2', label: 'begin-medium', quickCount: 20 },
];

function locate(set: string): string | undefined {
  for (const dir of [shared, join(repoRoot, 'test', 'fixtures', 'pons')]) {
    if (existsSync(join(dir, set))) return join(dir, set);
  }
  return undefined;
}

export async function benchSolver(opts: { quick: boolean; tableLog2?: number }): Promise<SolverBenchReport> {
  const tableLog2 = opts.tableLog2 ?? 23;
  const solver = createConnect4Solver({ tableLog2 });
  const sets: SolverSetFigure[] = [];
  const missing: string[] = [];
  for (const { set, label, quickCount } of SETS) {
    const path = locate(set);
    if (!path) {
      missing.push(set);
      continue;
    }
    let positions = parsePonsPositions(readFileSync(path, 'utf8'), set);
    if (opts.quick) positions = positions.slice(0, quickCount);
    // Each position is solved from an empty table, as in Pons' protocol, so times do not depend on order.
    const times: number[] = [];
    let wrong = 0;
    let nodes = 0;
    for (const { moves, score } of positions) {
      solver.clear();
      solver.resetNodeCount();
      const start = process.hrtime.bigint();
      const got = solver.solve(moves);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      nodes += solver.nodeCount;
      if (got !== score) wrong++;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0);
    sets.push({
      set,
      label,
      positions: positions.length,
      wrong,
      meanMs: total / times.length,
      medianMs: sorted[Math.floor(sorted.length / 2)]!,
      maxMs: sorted[sorted.length - 1]!,
      totalS: total / 1000,
      nodesPerPosition: nodes / positions.length,
      knodesPerSecond: nodes / total,
    });
  }
  return { quick: opts.quick, tableLog2, sets, missing };
}

export function solverMarkdown(report: SolverBenchReport): string {
  const lines = [
    `Connect4 solver (no opening book, table 2^${report.tableLog2} entries${report.quick ? ', quick sample' : ''})`,
    '',
    '| set | positions | wrong | mean ms | median ms | max ms | nodes/position | knodes/s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of report.sets) {
    lines.push(
      `| ${s.set} (${s.label}) | ${s.positions} | ${s.wrong} | ${s.meanMs.toFixed(3)} | ${s.medianMs.toFixed(3)} | ${s.maxMs.toFixed(1)} | ${s.nodesPerPosition.toFixed(0)} | ${s.knodesPerSecond.toFixed(0)} |`,
    );
  }
  if (report.missing.length)
    lines.push('', `missing sets (not found in ${shared}): ${report.missing.join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await benchSolver({ quick: process.argv.includes('--quick') });
  process.stdout.write(
    process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${solverMarkdown(report)}\n`,
  );
}
