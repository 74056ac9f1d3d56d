export { findTorchPython, gitInfo, machineInfo, versionInfo } from './machine.js';
export {
  type Comparison,
  compareReports,
  comparisonTable,
  figureKey,
  figuresTable,
  formatNumber,
  formatParams,
  markdownTable,
  parseReport,
  reportMarkdown,
} from './report.js';
export { type RunOptions, resultBaseName, runBench, writeReport } from './runner.js';
export { makeFigure, rate, repeat, type Summary, seconds, summarize } from './stats.js';
export {
  type BenchReport,
  type BenchSuite,
  type Figure,
  type FigureParams,
  type GitInfo,
  type MachineInfo,
  REPORT_SCHEMA,
  SUITE_NAMES,
  type SuiteContext,
  type SuiteName,
  type SuiteResult,
  type SuiteStatus,
  type VersionInfo,
} from './types.js';
