// The terminal view of `cartridge train`: a live line per phase on a TTY, plain log lines
// otherwise (CI, Kubernetes logs), and a final summary table.
import cliProgress from 'cli-progress';
import type { LoopView } from './loop.js';
import type { IterationRecord, LoopState } from './state.js';

export class TerminalView implements LoopView {
  private readonly tty: boolean;
  private lastLine = 0;
  private bar: { label: string; bar: cliProgress.SingleBar } | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly totalIterations = 0,
  ) {
    this.tty = out.isTTY === true;
  }

  phase(state: LoopState, detail: string): void {
    this.endLine();
    this.out.write(
      `[iteration ${state.iteration}${this.totalIterations ? `/${this.totalIterations}` : ''}] ${detail}\n`,
    );
  }

  selfPlayProgress(episodes: number, target: number, positionsPerSecond: number): void {
    const done = Math.min(episodes, target);
    this.progress('self-play', done, target, `${positionsPerSecond.toFixed(0)} positions/s`);
  }

  trainerLine(line: string): void {
    this.endLine();
    this.out.write(`  ${line}\n`);
  }

  evaluationProgress(label: string, done: number, total: number): void {
    this.progress(`eval ${label}`, done, total, 'games');
  }

  iterationDone(record: IterationRecord): void {
    this.endLine();
    const parts = [
      `  done: ${record.episodes} episodes, ${record.positions_per_s.toFixed(0)} pos/s`,
      record.train_loss !== null ? `loss ${record.train_loss.toFixed(3)}` : null,
      record.vs_random ? `vs random ${wdl(record.vs_random)}` : null,
      record.vs_best ? `vs best ${wdl(record.vs_best)} (score ${record.vs_best.score.toFixed(2)})` : null,
      record.promoted ? 'PROMOTED' : 'kept best',
    ];
    this.out.write(`${parts.filter(Boolean).join(', ')}\n`);
  }

  summary(state: LoopState): string {
    const rows = state.history.map(
      (r) =>
        `${String(r.iteration).padStart(4)}  ${String(r.episodes).padStart(6)}  ${r.positions_per_s.toFixed(0).padStart(7)}  ${
          r.train_loss === null ? '      -' : r.train_loss.toFixed(3).padStart(7)
        }  ${(r.vs_random ? wdl(r.vs_random) : '-').padEnd(10)}  ${(r.vs_best ? wdl(r.vs_best) : '-').padEnd(10)}  ${r.promoted ? 'yes' : 'no'}`,
    );
    return [
      `Training summary (${state.env_id}), best model: ${state.best_model ?? 'none'}`,
      'iter  episodes  pos/s     loss   vs random   vs best     promoted',
      ...rows,
    ].join('\n');
  }

  /** A cli-progress bar on a TTY; otherwise a plain line at most every 5 s, plus the last one. */
  private progress(label: string, done: number, total: number, detail: string): void {
    const final = done >= total;
    if (!this.tty) {
      if (!final && Date.now() - this.lastLine < 5000) return;
      this.lastLine = Date.now();
      this.out.write(`  ${label}: ${done}/${total} (${detail})\n`);
      return;
    }
    if (this.bar?.label !== label) {
      this.endLine();
      const bar = new cliProgress.SingleBar(
        {
          format: `  ${label} [{bar}] {value}/{total} {detail}`,
          stream: this.out,
          hideCursor: false,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { detail });
      this.bar = { label, bar };
    }
    this.bar.bar.setTotal(total);
    this.bar.bar.update(done, { detail });
    if (final) this.endLine();
  }

  private endLine(): void {
    this.bar?.bar.stop();
    this.bar = undefined;
  }
}

function wdl(r: { wins: number; draws: number; losses: number }): string {
  return `${r.wins}/${r.draws}/${r.losses}`;
}
