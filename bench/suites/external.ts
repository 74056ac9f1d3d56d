// Suites whose measurements live with the component that owns them (bench/search.ts,
// bench/replay.ts, bench/solver.ts): this adapter loads the module, calls its one function
// with {quick, repeats} and turns what it returns into figures.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchSuite, Figure, FigureParams, SuiteContext, SuiteName } from '../../src/bench/index.js';
import { makeFigure } from '../../src/bench/index.js';

/**
 * Accepted shapes, per item: a Figure (median/min/max), or {name, unit, params?, samples}, or
 * {name, unit, params?, value}. The whole result may be an array of those or
 * {figures: [...], notes?: string[]}.
 */
type ExternalItem = Record<string, unknown>;

const RESERVED = new Set([
  'name',
  'unit',
  'params',
  'samples',
  'value',
  'median',
  'min',
  'max',
  'repeats',
  'better',
]);

function paramsOf(item: ExternalItem): FigureParams {
  if (typeof item.params === 'object' && item.params !== null) return item.params as FigureParams;
  // Flat records: every other primitive field is a parameter.
  const params: FigureParams = {};
  for (const [k, v] of Object.entries(item)) {
    if (RESERVED.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = v;
  }
  return params;
}

export function toFigure(item: ExternalItem, where: string): Figure {
  const name = item.name;
  const unit = item.unit;
  if (typeof name !== 'string' || typeof unit !== 'string') {
    throw new Error(`${where}: each figure needs a string name and unit, got ${JSON.stringify(item)}`);
  }
  const better = item.better === 'lower' ? 'lower' : 'higher';
  const params = paramsOf(item);
  if (Array.isArray(item.samples)) return makeFigure(name, unit, params, item.samples as number[], better);
  if (typeof item.median === 'number') {
    const median = item.median;
    const min = typeof item.min === 'number' ? item.min : median;
    const max = typeof item.max === 'number' ? item.max : median;
    const repeats = typeof item.repeats === 'number' ? item.repeats : 1;
    return { name, unit, params, median, min, max, repeats, better };
  }
  if (typeof item.value === 'number') return makeFigure(name, unit, params, [item.value], better);
  throw new Error(`${where}: figure "${name}" has no samples, median or value`);
}

export function normalizeExternal(result: unknown, where: string): { figures: Figure[]; notes: string[] } {
  const container = Array.isArray(result) ? { figures: result } : (result as Record<string, unknown>);
  if (!container || !Array.isArray(container.figures)) {
    throw new Error(`${where}: expected an array of figures or {figures: [...]}, got ${typeof result}`);
  }
  const notes = Array.isArray(container.notes) ? (container.notes as unknown[]).map(String) : [];
  return {
    figures: (container.figures as ExternalItem[]).map((item) => toFigure(item, where)),
    notes,
  };
}

export function externalSuite(
  name: SuiteName,
  file: string,
  exportName: string,
  description: string,
  /** Turns the module's own result shape into figures (default: normalizeExternal). */
  convert?: (result: unknown) => { figures: Figure[]; notes: string[] },
): BenchSuite {
  const url = new URL(`../${file}`, import.meta.url);
  return {
    name,
    description,
    unavailable: async () => {
      if (!existsSync(fileURLToPath(url))) return `bench/${file} (${exportName}) is not there yet`;
      const module = (await import(url.href)) as Record<string, unknown>;
      if (typeof module[exportName] !== 'function') return `bench/${file} does not export ${exportName}()`;
      return undefined;
    },
    run: async (ctx: SuiteContext) => {
      const module = (await import(url.href)) as Record<string, (options: unknown) => unknown>;
      const result = await module[exportName]!({
        quick: ctx.quick,
        repeats: ctx.repeats,
        progress: ctx.progress,
        scratchDir: ctx.scratchDir,
      });
      const { figures, notes } = convert ? convert(result) : normalizeExternal(result, `bench/${file}`);
      for (const n of notes) ctx.note(n);
      for (const f of figures) ctx.record(f);
    },
  };
}
