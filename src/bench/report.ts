// Turning a run into text: the markdown tables the README quotes, and ratios against an
// earlier run (`--compare`), matched figure by figure.
import { type BenchReport, type Figure, type FigureParams, REPORT_SCHEMA, SUITE_NAMES } from './types.js';

/** Formats a number for a table: 3 significant digits, thousands separated, no exponent. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  return value.toFixed(digits);
}

export function formatParams(params: FigureParams): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** A stable identity for a figure across runs: suite, name and sorted parameters. */
export function figureKey(suite: string, figure: Pick<Figure, 'name' | 'params'>): string {
  const params = Object.keys(figure.params)
    .sort()
    .map((k) => `${k}=${figure.params[k]}`)
    .join(',');
  return `${suite}|${figure.name}|${params}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
}

export function figuresTable(figures: readonly Figure[]): string {
  return markdownTable(
    ['figure', 'parameters', 'median', 'min', 'max', 'unit', 'n'],
    figures.map((f) => [
      f.name,
      formatParams(f.params),
      formatNumber(f.median),
      formatNumber(f.min),
      formatNumber(f.max),
      f.unit,
      String(f.repeats),
    ]),
  );
}

export function reportMarkdown(report: BenchReport): string {
  const { machine, versions, git } = report;
  const out: string[] = [
    `# Cartridge benchmark — ${report.startedAt.slice(0, 10)}${report.quick ? ' (quick)' : ''}`,
    '',
    `- command: \`${report.command}\``,
    `- machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os} ${machine.arch}` +
      ` (load average at start ${machine.loadAverage.join(' / ')})`,
    `- versions: Node ${versions.node}, onnxruntime-node ${versions.onnxruntime ?? 'n/a'}, torch ${versions.torch ?? 'n/a'}, addon ${versions.addon ?? 'n/a'}`,
    `- git: ${git.commit ?? 'n/a'}${git.dirty ? ' (uncommitted changes)' : ''}`,
    `- started ${report.startedAt}, finished ${report.finishedAt}`,
    '- each figure: median of n repeats, with min and max',
  ];
  for (const result of report.results) {
    out.push(
      '',
      `## ${result.suite} — ${result.status} (${result.seconds.toFixed(1)} s` +
        (result.loadAverage ? `, load average ${result.loadAverage.join(' / ')} at start)` : ')'),
    );
    if (result.error) out.push('', `**${result.status === 'error' ? 'error' : 'skipped'}:** ${result.error}`);
    if (result.notes.length > 0) out.push('', ...result.notes.map((n) => `- ${n}`));
    if (result.figures.length > 0) out.push('', figuresTable(result.figures));
  }
  return `${out.join('\n')}\n`;
}

export interface Comparison {
  suite: string;
  name: string;
  params: FigureParams;
  unit: string;
  before: number;
  after: number;
  /** after / before. */
  ratio: number;
  /** ratio oriented so that > 1 is an improvement whatever the unit. */
  improvement: number;
}

export function compareReports(before: BenchReport, after: BenchReport): Comparison[] {
  const old = new Map<string, Figure>();
  for (const r of before.results) for (const f of r.figures) old.set(figureKey(r.suite, f), f);
  const rows: Comparison[] = [];
  for (const r of after.results) {
    for (const f of r.figures) {
      const prev = old.get(figureKey(r.suite, f));
      if (!prev) continue;
      const ratio = prev.median === 0 ? Number.POSITIVE_INFINITY : f.median / prev.median;
      rows.push({
        suite: r.suite,
        name: f.name,
        params: f.params,
        unit: f.unit,
        before: prev.median,
        after: f.median,
        ratio,
        improvement: f.better === 'lower' ? 1 / ratio : ratio,
      });
    }
  }
  return rows;
}

export function comparisonTable(rows: readonly Comparison[]): string {
  return markdownTable(
    ['suite', 'figure', 'parameters', 'before', 'after', 'unit', 'after/before', 'better?'],
    rows.map((c) => [
      c.suite,
      c.name,
      formatParams(c.params),
      formatNumber(c.before),
      formatNumber(c.after),
      c.unit,
      `${c.ratio.toFixed(2)}×`,
      c.improvement > 1.05 ? 'better' : c.improvement < 1 / 1.05 ? 'worse' : '~same',
    ]),
  );
}

/** Checks that `value` is a report this version can read; throws with the first problem found. */
export function parseReport(value: unknown, label = 'report'): BenchReport {
  const fail = (why: string): never => {
    throw new Error(`${label} is not a Cartridge bench report: ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const r = value as Record<string, unknown>;
  if (r.schema !== REPORT_SCHEMA) fail(`schema is ${JSON.stringify(r.schema)}, expected "${REPORT_SCHEMA}"`);
  if (!Array.isArray(r.results)) fail('results is not an array');
  for (const [i, result] of (r.results as unknown[]).entries()) {
    const s = result as Record<string, unknown>;
    if (!SUITE_NAMES.includes(s.suite as never)) fail(`results[${i}].suite is ${JSON.stringify(s.suite)}`);
    if (!['ok', 'error', 'skipped'].includes(s.status as string)) fail(`results[${i}].status is invalid`);
    if (!Array.isArray(s.figures)) fail(`results[${i}].figures is not an array`);
    for (const [j, f] of (s.figures as unknown[]).entries()) {
      const fig = f as Record<string, unknown>;
      for (const key of ['median', 'min', 'max', 'repeats']) {
        if (typeof fig[key] !== 'number') fail(`results[${i}].figures[${j}].${key} is not a number`);
      }
      if (typeof fig.name !== 'string' || typeof fig.unit !== 'string') {
        fail(`results[${i}].figures[${j}] lacks a name or unit`);
      }
      if (typeof fig.params !== 'object' || fig.params === null) {
        fail(`results[${i}].figures[${j}].params is not an object`);
      }
    }
  }
  return value as BenchReport;
}
