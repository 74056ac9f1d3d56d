// The one list of suites, in the order a full run executes them.
import type { BenchSuite } from '../../src/bench/index.js';
import { convertReplay, convertSearch, convertSolver } from './adapters.js';
import { engineSuite } from './engine.js';
import { externalSuite } from './external.js';
import { inferenceSuite } from './inference.js';
import { selfplaySuite } from './selfplay.js';
import { trainSuite } from './train.js';

export const suites: readonly BenchSuite[] = [
  engineSuite,
  externalSuite(
    'search',
    'search.ts',
    'benchSearch',
    'µs per simulation with a free evaluator, N-API crossings',
    convertSearch,
  ),
  inferenceSuite,
  selfplaySuite,
  externalSuite(
    'replay',
    'replay.ts',
    'benchReplay',
    'replay inserts/s, sample latency, writer scaling',
    convertReplay,
  ),
  trainSuite,
  externalSuite('solver', 'solver.ts', 'benchSolver', 'Connect4 solver time per position', convertSolver),
];
