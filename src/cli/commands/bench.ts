// `cartridge bench`: the throughput suites (bench/suites), results as JSON + markdown.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  type BenchReport,
  compareReports,
  comparisonTable,
  parseReport,
  reportMarkdown,
  runBench,
  SUITE_NAMES,
  type SuiteName,
  writeReport,
} from '../../bench/index.js';
import { loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface BenchOptions {
  suite: string;
  quick?: boolean;
  out?: string;
  compare?: string;
  json?: boolean;
  repeats?: string;
}

export function parseSuites(value: string): SuiteName[] {
  if (value === 'all') return [...SUITE_NAMES];
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!SUITE_NAMES.includes(name as SuiteName)) {
      throw new UsageError(`--suite: unknown suite "${name}" (choose from ${SUITE_NAMES.join(', ')}, all)`);
    }
  }
  return names as SuiteName[];
}

function readBaseline(path: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--compare: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parseReport(JSON.parse(text), path);
  } catch (error) {
    throw new UsageError(`--compare: ${(error as Error).message}`);
  }
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('throughput benchmarks: engine, search, inference, selfplay, replay, train, solver')
    .option('--suite <names>', `suite(s) to run, comma-separated: ${SUITE_NAMES.join('|')}|all`, 'all')
    .option('--quick', 'seconds-long smoke run (CI); skips suites whose component is not there yet')
    .option(
      '--out <dir>',
      'where to write <date>-<suite>.json and .md (default bench/results, quick: bench/results/tmp)',
    )
    .option('--compare <old.json>', 'print after/before ratios against an earlier results JSON')
    .option('--repeats <n>', 'repeats per figure (default 5, quick 3)')
    .option('--json', 'print the results JSON on stdout instead of the markdown tables')
    .action(async (options: BenchOptions, command: Command) => {
      const suiteNames = parseSuites(options.suite);
      const baseline = options.compare ? readBaseline(options.compare) : undefined;
      let repeats: number | undefined;
      if (options.repeats !== undefined) {
        repeats = Number(options.repeats);
        if (!Number.isInteger(repeats) || repeats < 1) {
          throw new UsageError(`--repeats must be a positive integer, got "${options.repeats}"`);
        }
      }
      const { config } = loadCommandConfig(command);
      // The suites import the addon, ORT and the trainer lazily: `cartridge --help` stays fast.
      const { suites } = await import('../../../bench/suites/index.js');
      const selected = suites.filter((s) => suiteNames.includes(s.name));
      const quick = options.quick === true;
      const report = await runBench({
        suites: selected,
        quick,
        repeats,
        config,
        command: `cartridge bench ${process.argv.slice(3).join(' ')}`.trim(),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      const outDir = resolve(options.out ?? join(packageRoot, 'bench', 'results', ...(quick ? ['tmp'] : [])));
      const label = suiteNames.length === SUITE_NAMES.length ? 'all' : suiteNames.join('+');
      const written = await writeReport(report, outDir, quick ? `${label}-quick` : label);
      process.stderr.write(`results: ${written.json}\n         ${written.markdown}\n`);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportMarkdown(report));
      if (baseline) {
        const table = `\n## compared with ${options.compare}\n\n${comparisonTable(compareReports(baseline, report))}\n`;
        (options.json ? process.stderr : process.stdout).write(table);
      }
      const failed = report.results.filter((r) => r.status === 'error');
      if (failed.length > 0) {
        process.stderr.write(`bench: ${failed.map((r) => `${r.suite} (${r.error})`).join('; ')} failed\n`);
        process.exitCode = 1;
      }
    });
}
