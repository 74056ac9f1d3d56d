// Runs suites one after another (never in parallel: they would measure each other) and
// collects a report. A suite that throws is recorded as an error and the run goes on, so
// one broken component does not hide the others' figures.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { gitInfo, machineInfo, versionInfo } from './machine.js';
import { reportMarkdown } from './report.js';
import {
  type BenchReport,
  type BenchSuite,
  type Figure,
  REPORT_SCHEMA,
  type SuiteContext,
  type SuiteResult,
} from './types.js';

export interface RunOptions {
  suites: readonly BenchSuite[];
  quick: boolean;
  /** Repeats per figure; default 5 (3 in quick mode). */
  repeats?: number;
  config?: unknown;
  command?: string;
  /** Progress lines (the CLI sends them to stderr). */
  progress?: (line: string) => void;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runBench(options: RunOptions): Promise<BenchReport> {
  const progress = options.progress ?? (() => {});
  const repeats = options.repeats ?? (options.quick ? 3 : 5);
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const versions = await versionInfo();
  const results: SuiteResult[] = [];
  const scratchRoot = await mkdtemp(join(os.tmpdir(), 'cartridge-bench-'));
  try {
    for (const suite of options.suites) {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
      const figures: Figure[] = [];
      const notes: string[] = [];
      const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
      const missing = await suite.unavailable();
      if (missing !== undefined) {
        // A quick (CI) run covers what exists; a full run must not lose a suite silently.
        const status = options.quick ? 'skipped' : 'error';
        progress(`[${suite.name}] ${status}: ${missing}`);
        results.push({ suite: suite.name, status, seconds: 0, figures, notes, loadAverage, error: missing });
        continue;
      }
      progress(`[${suite.name}] ${suite.description}`);
      const scratchDir = join(scratchRoot, suite.name);
      await mkdir(scratchDir, { recursive: true });
      const context: SuiteContext = {
        quick: options.quick,
        repeats,
        config: options.config,
        scratchDir,
        progress: (message) => progress(`[${suite.name}] ${message}`),
        record: (figure) => {
          figures.push(figure);
          progress(
            `[${suite.name}] ${figure.name} ${Object.entries(figure.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}: ${figure.median.toPrecision(4)} ${figure.unit}`,
          );
        },
        note: (text) => notes.push(text),
      };
      try {
        await suite.run(context);
        results.push({ suite: suite.name, status: 'ok', seconds: elapsed(), figures, notes, loadAverage });
        progress(`[${suite.name}] done in ${elapsed().toFixed(1)} s`);
      } catch (error) {
        progress(`[${suite.name}] error: ${describeError(error)}`);
        results.push({
          suite: suite.name,
          status: 'error',
          seconds: elapsed(),
          figures,
          notes,
          loadAverage,
          error: describeError(error),
        });
      }
    }
  } finally {
    await rm(scratchRoot, { recursive: true, force: true });
  }
  return {
    schema: REPORT_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: options.quick,
    command: options.command ?? 'cartridge bench',
    suites: options.suites.map((s) => s.name),
    machine,
    versions,
    git: gitInfo(),
    config: options.config ?? null,
    results,
  };
}

/** `<date>-<label>` in `dir`, with the time appended when that name is taken (one file per run). */
export function resultBaseName(dir: string, label: string, when: Date = new Date()): string {
  const iso = when.toISOString();
  const dated = `${iso.slice(0, 10)}-${label}`;
  if (!existsSync(join(dir, `${dated}.json`))) return dated;
  return `${iso.slice(0, 10)}-${iso.slice(11, 19).replaceAll(':', '')}-${label}`;
}

/** Writes `<base>.json` and `<base>.md`; returns both paths. */
export async function writeReport(
  report: BenchReport,
  dir: string,
  label: string,
): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const base = resultBaseName(dir, label, new Date(report.startedAt));
  const json = join(dir, `${base}.json`);
  const markdown = join(dir, `${base}.md`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, reportMarkdown(report));
  return { json, markdown };
}
