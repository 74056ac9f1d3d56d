// Prometheus metrics of the orchestrator, fed by the loop's progress reports (it is a LoopView).
// The cloud overlay's actor HPA scales on cartridge_replay_episodes_missing through an external
// metrics adapter; the other gauges say where the loop is.
import { Gauge, Registry } from 'prom-client';
import type { LoopView } from './loop.js';
import type { IterationRecord, LoopState } from './state.js';

const PHASES: readonly LoopState['phase'][] = ['selfplay', 'train', 'evaluate'];

export class OrchestratorMetrics implements LoopView {
  readonly registry = new Registry();
  readonly episodesMissing = new Gauge({
    name: 'cartridge_replay_episodes_missing',
    help: "Complete episodes the current iteration's self-play still needs in the replay buffer (0 outside self-play)",
    registers: [this.registry],
  });
  readonly iteration = new Gauge({
    name: 'cartridge_orchestrator_iteration',
    help: 'Iteration in progress (1-based)',
    registers: [this.registry],
  });
  readonly phaseInfo = new Gauge({
    name: 'cartridge_orchestrator_phase',
    help: 'Phase of the iteration in progress: 1 for the current phase, 0 for the others',
    labelNames: ['phase'],
    registers: [this.registry],
  });
  readonly iterationsCompleted = new Gauge({
    name: 'cartridge_orchestrator_iterations_completed',
    help: 'Iterations of this run completed so far (evaluated, promoted or not)',
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'cartridge_orchestrator_leader',
    help: '1 while this replica holds the orchestrator Lease and runs the loop (always 1 in local mode)',
    registers: [this.registry],
  });

  phase(state: LoopState): void {
    this.iteration.set(state.iteration);
    for (const phase of PHASES) this.phaseInfo.set({ phase }, phase === state.phase ? 1 : 0);
    if (state.phase !== 'selfplay') this.episodesMissing.set(0);
  }

  selfPlayProgress(episodes: number, target: number): void {
    this.episodesMissing.set(Math.max(0, target - episodes));
  }

  iterationDone(_record: IterationRecord, state: LoopState): void {
    this.iterationsCompleted.set(state.history.length);
  }
}
