// Prints the README "Performance" tables from a results JSON: the headline figures pivoted
// into the shapes people read (net × batch, backend × writers, ablation ladder).
//   node --import tsx bench/readme-tables.ts bench/results/<date>-all.json
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  type BenchReport,
  type Figure,
  formatNumber,
  markdownTable,
  parseReport,
  type SuiteName,
} from '../src/bench/index.js';
import { CACHE_OFF } from './suites/selfplay.js';

function figures(report: BenchReport, suite: SuiteName, name: string): Figure[] {
  return report.results
    .filter((r) => r.suite === suite)
    .flatMap((r) => r.figures.filter((f) => f.name === name));
}

const spread = (f: Figure) =>
  f.repeats > 1
    ? `${formatNumber(f.median)} (${formatNumber(f.min)}–${formatNumber(f.max)})`
    : formatNumber(f.median);

/** Rows keyed by `row(f)`, columns by `col(f)`, cells the median (min–max). */
function pivot(
  list: Figure[],
  rowName: string,
  row: (f: Figure) => string,
  col: (f: Figure) => string,
): string {
  const rows = [...new Set(list.map(row))];
  const cols = [...new Set(list.map(col))];
  const cell = new Map(list.map((f) => [`${row(f)}|${col(f)}`, f]));
  return markdownTable(
    [rowName, ...cols],
    rows.map((r) => [r, ...cols.map((c) => (cell.has(`${r}|${c}`) ? spread(cell.get(`${r}|${c}`)!) : '–'))]),
  );
}

export function readmeTables(report: BenchReport): string {
  const out: string[] = [];
  const section = (title: string, body: string) => {
    if (body) out.push(`### ${title}`, '', body, '');
  };
  const engine = figures(report, 'engine', 'random playouts/s');
  section(
    'Engines: random playouts/s',
    engine.length
      ? pivot(
          engine,
          'game',
          (f) => String(f.params.game),
          () => 'playouts/s',
        )
      : '',
  );
  const inference = figures(report, 'inference', 'ORT evaluations/s');
  section(
    'Raw ONNX Runtime evaluations/s (default nets)',
    inference.length
      ? pivot(
          inference,
          'net, threads',
          (f) => `${f.params.game}, ${f.params.threads}t`,
          (f) => `batch ${f.params.batch}`,
        )
      : '',
  );
  const selfplayNames = [
    'self-play evaluations/s',
    'self-play positions/s',
    'self-play games/s',
    'average batch fill',
    'cache hit rate',
    'raw ORT evaluations/s at self-play batch',
    'efficiency ratio (self-play evals/s ÷ raw ORT evals/s)',
    ...[
      'self-play evaluations/s',
      'raw ORT evaluations/s at self-play batch',
      'efficiency ratio (self-play evals/s ÷ raw ORT evals/s)',
    ].map((name) => `${name}${CACHE_OFF}`),
  ];
  const selfplay = selfplayNames.flatMap((n) => figures(report, 'selfplay', n));
  section(
    'Self-play (1 worker) and the efficiency ratio',
    selfplay.length
      ? pivot(
          selfplay,
          'figure',
          (f) => f.name,
          (f) => String(f.params.game),
        )
      : '',
  );
  const sweep = figures(report, 'selfplay', 'sweep evaluations/s');
  section(
    'Workers × games per worker: self-play evaluations/s',
    sweep.length
      ? pivot(
          sweep,
          'game, workers',
          (f) => `${f.params.game}, ${f.params.workers} worker(s)`,
          (f) => `${f.params.games} games`,
        )
      : '',
  );
  const ablation = figures(report, 'selfplay', 'ablation positions/s');
  const speedup = new Map(
    figures(report, 'selfplay', 'ablation speed-up vs naive').map((f) => [
      `${f.params.game}|${f.params.setup}`,
      f,
    ]),
  );
  section(
    'Ablation: positions/s (speed-up vs naive)',
    ablation.length
      ? markdownTable(
          ['game', 'setup', 'positions/s', 'vs naive'],
          ablation.map((f) => {
            const s = speedup.get(`${f.params.game}|${f.params.setup}`);
            return [
              String(f.params.game),
              String(f.params.setup),
              spread(f),
              s ? `${s.median.toFixed(2)}×` : '–',
            ];
          }),
        )
      : '',
  );
  const inserts = figures(report, 'replay', 'insert transitions/s');
  section(
    'Replay inserts: transitions/s',
    inserts.length
      ? pivot(
          inserts,
          'backend',
          (f) => String(f.params.backend),
          (f) => `batch ${f.params.batch}`,
        )
      : '',
  );
  const scaling = figures(report, 'replay', 'writer scaling transitions/s');
  section(
    'Replay writer scaling: transitions/s',
    scaling.length
      ? pivot(
          scaling,
          'backend',
          (f) => String(f.params.backend),
          (f) => `${f.params.writers} writers`,
        )
      : '',
  );
  const train = figures(report, 'train', 'train samples/s');
  section(
    'Trainer samples/s (batch, threads)',
    train.length
      ? pivot(
          train,
          'net',
          (f) => String(f.params.game),
          (f) => `${f.params.threads} thread(s)`,
        )
      : '',
  );
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: node --import tsx bench/readme-tables.ts <results.json>\n');
    process.exit(2);
  }
  process.stdout.write(readmeTables(parseReport(JSON.parse(readFileSync(path, 'utf8')), path)));
}
