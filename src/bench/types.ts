// The shapes of a benchmark run: suites produce figures, a run collects them with the
// machine they were measured on. The JSON written to bench/results/ is a `BenchReport`.

export const REPORT_SCHEMA = 'cartridge-bench/1';

export const SUITE_NAMES = [
  'engine',
  'search',
  'inference',
  'selfplay',
  'replay',
  'train',
  'solver',
] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** Parameters that identify one measurement inside a suite (game, batch, threads...). */
export type FigureParams = Record<string, string | number | boolean>;

/** One measured quantity: the median of repeated runs, with the spread. */
export interface Figure {
  /** What is measured, e.g. "random playouts/s" or "evaluations/s". */
  name: string;
  unit: string;
  params: FigureParams;
  median: number;
  min: number;
  max: number;
  /** How many repeats the median is over (1 = a single measurement). */
  repeats: number;
  /** Direction of "better", for reading --compare ratios. */
  better: 'higher' | 'lower';
}

export type SuiteStatus = 'ok' | 'error' | 'skipped';

export interface SuiteResult {
  suite: SuiteName;
  status: SuiteStatus;
  seconds: number;
  figures: Figure[];
  /** Why the suite failed or was skipped. */
  error?: string;
  /** Free-form facts worth keeping next to the figures (which nets, which sizes). */
  notes: string[];
  /** 1/5/15-minute load average when the suite started: other work on the box skews timings. */
  loadAverage?: number[];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  arch: string;
  hostname: string;
  loadAverage: number[];
}

export interface VersionInfo {
  node: string;
  onnxruntime: string | null;
  torch: string | null;
  addon: string | null;
}

export interface GitInfo {
  commit: string | null;
  dirty: boolean | null;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  command: string;
  suites: SuiteName[];
  machine: MachineInfo;
  versions: VersionInfo;
  git: GitInfo;
  /** The effective configuration the run used (or whatever the caller passed). */
  config: unknown;
  results: SuiteResult[];
}

/** What a suite gets: the run's mode and a way to report progress and record figures. */
export interface SuiteContext {
  quick: boolean;
  /** Repeats per figure (fewer in quick mode). */
  repeats: number;
  /** The effective configuration, for suites that read knobs from it. */
  config: unknown;
  /** A scratch folder for models and databases, removed after the run. */
  scratchDir: string;
  progress(message: string): void;
  record(figure: Figure): void;
  note(text: string): void;
}

export interface BenchSuite {
  name: SuiteName;
  description: string;
  /** Undefined when the suite can run here, else why not (a missing component). */
  unavailable(): Promise<string | undefined>;
  run(context: SuiteContext): Promise<void>;
}
