import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { normalizeExternal } from '../bench/suites/external.js';
import {
  type BenchReport,
  type BenchSuite,
  compareReports,
  comparisonTable,
  figureKey,
  formatNumber,
  makeFigure,
  parseReport,
  REPORT_SCHEMA,
  rate,
  reportMarkdown,
  runBench,
  summarize,
  writeReport,
} from '../src/bench/index.js';
import { runCli } from './helpers/cli.js';

function fakeSuite(name: BenchSuite['name'], run: BenchSuite['run'], missing?: string): BenchSuite {
  return { name, description: `fake ${name}`, unavailable: async () => missing, run };
}

test('summarize: median of odd and even counts, min and max', (t) => {
  t.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, repeats: 3 });
  t.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, repeats: 4 });
  t.deepEqual(summarize([7]), { median: 7, min: 7, max: 7, repeats: 1 });
  t.throws(() => summarize([]), { message: /no samples/ });
  t.throws(() => summarize([1, Number.NaN]), { message: /not a finite number/ });
});

test('rate: units per second over at least the requested time and calls', async (t) => {
  let calls = 0;
  const started = process.hrtime.bigint();
  const r = await rate(
    async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 5;
    },
    0.05,
    2,
  );
  const outer = Number(process.hrtime.bigint() - started) / 1e9;
  t.true(calls >= 2);
  // 5 units per call of >= 10 ms: at most 500/s; and the rate is over the time it measured,
  // which is within the time seen from outside (other tests may share this event loop).
  t.true(r <= 500, `rate ${r}`);
  t.true(r >= ((calls * 5) / outer) * 0.999, `rate ${r}, ${calls} calls in ${outer} s`);
});

function report(
  figures: { suite: BenchReport['results'][number]['suite']; figures: ReturnType<typeof makeFigure>[] }[],
): BenchReport {
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:05:05.000Z',
    quick: false,
    command: 'cartridge bench',
    suites: figures.map((f) => f.suite),
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryGiB: 4,
      os: 'Linux',
      arch: 'x64',
      hostname: 'h',
      loadAverage: [0, 0, 0],
    },
    versions: { node: 'v20', onnxruntime: '1.30.0', torch: null, addon: null },
    git: { commit: 'abc', dirty: false },
    config: {},
    results: figures.map((f) => ({
      suite: f.suite,
      status: 'ok',
      seconds: 1,
      figures: f.figures,
      notes: [],
    })),
  };
}

test('compareReports: ratios matched by suite, name and parameters; lower-is-better inverted', (t) => {
  const before = report([
    {
      suite: 'inference',
      figures: [
        makeFigure('ORT evaluations/s', 'evals/s', { game: 'connect4', batch: 8 }, [100, 110, 90]),
        makeFigure('ORT evaluations/s', 'evals/s', { game: 'connect4', batch: 64 }, [400]),
      ],
    },
    { suite: 'replay', figures: [makeFigure('sample latency', 'ms', { backend: 'sqlite' }, [4], 'lower')] },
  ]);
  const after = report([
    {
      suite: 'inference',
      figures: [
        makeFigure('ORT evaluations/s', 'evals/s', { batch: 8, game: 'connect4' }, [200]),
        makeFigure('ORT evaluations/s', 'evals/s', { game: 'othello', batch: 8 }, [50]),
      ],
    },
    { suite: 'replay', figures: [makeFigure('sample latency', 'ms', { backend: 'sqlite' }, [2], 'lower')] },
  ]);
  const rows = compareReports(before, after);
  t.is(rows.length, 2); // othello has no counterpart, batch 64 no longer measured
  t.is(rows[0]!.ratio, 2);
  t.is(rows[0]!.improvement, 2);
  t.is(rows[1]!.ratio, 0.5);
  t.is(rows[1]!.improvement, 2); // half the latency is twice as good
  const table = comparisonTable(rows);
  t.regex(
    table,
    /\| inference \| ORT evaluations\/s \| batch=8 game=connect4 \| 100 \| 200 \| evals\/s \| 2\.00× \| better \|/,
  );
  t.is(
    figureKey('inference', { name: 'x', params: { b: 1, a: 2 } }),
    figureKey('inference', { name: 'x', params: { a: 2, b: 1 } }),
  );
});

test('parseReport accepts a report and names the first problem of a bad one', (t) => {
  const good = report([
    { suite: 'engine', figures: [makeFigure('random playouts/s', 'playouts/s', { game: 'tictactoe' }, [1])] },
  ]);
  t.is(parseReport(JSON.parse(JSON.stringify(good))).results.length, 1);
  t.throws(() => parseReport({ ...good, schema: 'other' }), { message: /schema is "other"/ });
  const bad = JSON.parse(JSON.stringify(good));
  bad.results[0].figures[0].median = 'fast';
  t.throws(() => parseReport(bad), { message: /figures\[0\]\.median is not a number/ });
  t.throws(() => parseReport({ schema: REPORT_SCHEMA }), { message: /results is not an array/ });
});

test('reportMarkdown: header with machine and versions, one table per suite, errors shown', (t) => {
  const r = report([
    {
      suite: 'engine',
      figures: [
        makeFigure('random playouts/s', 'playouts/s', { game: 'connect4' }, [123456.7, 100000, 130000]),
      ],
    },
  ]);
  r.results.push({
    suite: 'replay',
    status: 'error',
    seconds: 0,
    figures: [],
    notes: [],
    error: 'bench/replay.ts is not there yet',
  });
  const md = reportMarkdown(r);
  t.regex(md, /Test CPU, 2 cores, 4 GiB/);
  t.regex(md, /onnxruntime-node 1\.30\.0/);
  t.regex(md, /\| figure \| parameters \| median \| min \| max \| unit \| n \|/);
  t.regex(
    md,
    /\| random playouts\/s \| game=connect4 \| 123,457 \| 100,000 \| 130,000 \| playouts\/s \| 3 \|/,
  );
  t.regex(md, /## replay — error/);
  t.regex(md, /\*\*error:\*\* bench\/replay\.ts is not there yet/);
  t.is(formatNumber(0.012345), '0.0123');
  t.is(formatNumber(12.345), '12.3');
});

test('runBench: figures recorded, a throwing suite is an error, a missing one skipped (quick) or an error (full)', async (t) => {
  const suites = [
    fakeSuite('engine', async (ctx) => {
      ctx.note('a note');
      ctx.record(makeFigure('random playouts/s', 'playouts/s', { game: 'tictactoe' }, [1, 2, 3]));
    }),
    fakeSuite('search', async () => {
      throw new Error('boom');
    }),
    fakeSuite('replay', async () => t.fail('must not run'), 'bench/replay.ts is not there yet'),
  ];
  const lines: string[] = [];
  const quick = await runBench({ suites, quick: true, config: { mcts: {} }, progress: (l) => lines.push(l) });
  t.deepEqual(
    quick.results.map((r) => [r.suite, r.status]),
    [
      ['engine', 'ok'],
      ['search', 'error'],
      ['replay', 'skipped'],
    ],
  );
  t.is(quick.results[0]!.figures[0]!.median, 2);
  t.deepEqual(quick.results[0]!.notes, ['a note']);
  t.is(quick.results[1]!.error, 'boom');
  t.true(lines.some((l) => l.startsWith('[engine] random playouts/s game=tictactoe: 2.000')));
  t.is(parseReport(JSON.parse(JSON.stringify(quick))).schema, REPORT_SCHEMA);
  t.true(quick.machine.cores >= 1);
  t.is(quick.versions.node, process.version);

  const full = await runBench({ suites: [suites[2]!], quick: false });
  t.is(full.results[0]!.status, 'error');
  t.regex(full.results[0]!.error!, /not there yet/);
});

test('writeReport: dated JSON and markdown, a second run on the same day gets its own files', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-test-'));
  const r = report([{ suite: 'engine', figures: [makeFigure('random playouts/s', 'playouts/s', {}, [1])] }]);
  const first = await writeReport(r, dir, 'engine');
  const second = await writeReport(r, dir, 'engine');
  t.is(first.json, join(dir, '2026-01-02-engine.json'));
  t.is(second.json, join(dir, '2026-01-02-030405-engine.json'));
  t.deepEqual(parseReport(JSON.parse(readFileSync(first.json, 'utf8'))), r);
  t.regex(readFileSync(first.markdown, 'utf8'), /# Cartridge benchmark — 2026-01-02/);
  t.is(readdirSync(dir).length, 4);
});

test('normalizeExternal: samples, summaries, single values and flat parameters', (t) => {
  const { figures, notes } = normalizeExternal(
    {
      figures: [
        { name: 'µs/simulation', unit: 'µs', params: { G: 64 }, samples: [3, 1, 2], better: 'lower' },
        {
          name: 'inserts/s',
          unit: 'rows/s',
          backend: 'sqlite',
          writers: 4,
          median: 10,
          min: 9,
          max: 12,
          repeats: 5,
        },
        { name: 'positions/s', unit: 'positions/s', value: 7 },
      ],
      notes: ['n'],
    },
    'bench/x.ts',
  );
  t.deepEqual(notes, ['n']);
  t.like(figures[0], { median: 2, min: 1, max: 3, repeats: 3, better: 'lower', params: { G: 64 } });
  t.like(figures[1], { median: 10, min: 9, max: 12, repeats: 5, params: { backend: 'sqlite', writers: 4 } });
  t.like(figures[2], { median: 7, repeats: 1, params: {} });
  t.throws(() => normalizeExternal([{ name: 'x', unit: 'y' }], 'bench/x.ts'), {
    message: /no samples, median or value/,
  });
  t.throws(() => normalizeExternal(42, 'bench/x.ts'), { message: /expected an array of figures/ });
});

test('cartridge bench --suite with an unknown name is a usage error', async (t) => {
  const out = await runCli(['bench', '--suite', 'bogus', '--quick']);
  t.is(out.status, 2);
  t.regex(out.stderr, /unknown suite "bogus"/);
});

test('smoke: cartridge bench --quick --suite inference writes a valid report with real figures', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-smoke-'));
  const out = await runCli([
    'bench',
    '--quick',
    '--suite',
    'inference',
    '--repeats',
    '2',
    '--out',
    dir,
    '--json',
  ]);
  t.is(out.status, 0, out.stderr);
  const printed = parseReport(JSON.parse(out.stdout));
  t.deepEqual(printed.suites, ['inference']);
  const result = printed.results[0]!;
  t.is(result.status, 'ok', result.error);
  t.true(result.figures.length >= 4);
  for (const f of result.figures) {
    t.is(f.repeats, 2);
    t.true(f.min > 0 && f.min <= f.median && f.median <= f.max, JSON.stringify(f));
  }
  const files = readdirSync(dir).sort();
  t.is(files.length, 2);
  t.regex(files[0]!, /^\d{4}-\d{2}-\d{2}-inference-quick\.json$/);
  t.regex(files[1]!, /^\d{4}-\d{2}-\d{2}-inference-quick\.md$/);
  t.regex(out.stderr, /\[inference\] ORT evaluations\/s game=tictactoe batch=1 threads=1/);

  // --compare against itself: every figure matched, ratios printed.
  const again = await runCli([
    'bench',
    '--quick',
    '--suite',
    'inference',
    '--repeats',
    '1',
    '--out',
    dir,
    '--compare',
    join(dir, files[0]!),
  ]);
  t.is(again.status, 0, again.stderr);
  t.regex(again.stdout, /## compared with/);
  t.regex(again.stdout, /\| inference \| ORT evaluations\/s \| game=tictactoe batch=1 threads=1 \|/);
});
