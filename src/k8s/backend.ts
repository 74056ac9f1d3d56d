// The orchestrator's Kubernetes execution backend: the same iteration loop as local mode, with
// self-play = the actor Deployment scaled to N (0 while training) and training = one trainer Job
// per iteration, retried with a new Job on failure. The model is published by the trainer on the
// shared volume (models/latest.onnx + stats.json); train() returns what the trainer reported.
import { readFile } from 'node:fs/promises';
import type {
  ExecutionBackend,
  SelfPlayRequest,
  TrainRequest,
  TrainResult,
} from '../orchestrator/backend.js';
import { scaleDeployment, setContainerEnv, waitForReady } from './actors.js';
import type { KubeClients } from './client.js';
import { buildTrainerJob, collectFinishedJobs, deleteJob, trainerJobName, waitForJob } from './jobs.js';

/** The actor's config override for simulations per move (config key mcts.num_simulations). */
const SIMULATIONS_ENV = 'CARTRIDGE_MCTS_NUM_SIMULATIONS';

export type KubernetesProgress =
  | { kind: 'actors-configured'; deployment: string; simulations: number }
  | { kind: 'actors-scaled'; deployment: string; replicas: number; previous: number }
  | { kind: 'actors-ready'; deployment: string; ready: number; wanted: number }
  | { kind: 'job-created'; job: string; iteration: number; attempt: number }
  | { kind: 'job-active'; job: string; active: number }
  | { kind: 'job-succeeded'; job: string; iteration: number; attempt: number }
  | {
      kind: 'job-failed';
      job: string;
      iteration: number;
      attempt: number;
      reason: string;
      message: string;
      willRetry: boolean;
    }
  | { kind: 'jobs-collected'; jobs: string[] };

export interface KubernetesBackendOptions {
  namespace: string;
  actorDeployment: string;
  actorReplicas: number;
  /** PodTemplate the trainer Jobs are made from. */
  trainerTemplate: string;
  /** Overrides the template's trainer image when set. */
  trainerImage?: string;
  /** activeDeadlineSeconds of each Job; the controller also stops waiting after it (+ a margin). */
  jobDeadlineSeconds: number;
  /** Extra attempts after a failed Job. */
  jobRetries: number;
  /** Finished trainer Jobs kept for `kubectl logs` (older ones are deleted). */
  keepFinishedJobs?: number;
  /** stats.json the trainer writes on the shared volume (its summary of the job). */
  statsFile: string;
  pollMs?: number;
  /** How long startSelfPlay waits for one ready actor before returning anyway (default 120 s). */
  actorReadyTimeoutMs?: number;
  onProgress?: (event: KubernetesProgress) => void;
  /** Reads the trainer's summary; default: JSON from statsFile. */
  readSummary?: () => Promise<TrainerStats>;
}

/** The fields of the trainer's stats.json summary the backend uses. */
export interface TrainerStats {
  iteration: number;
  step: number;
  latest: string;
  loss?: number;
  policy_loss?: number;
  value_loss?: number;
}

export class TrainerJobError extends Error {
  override name = 'TrainerJobError';
}

export class KubernetesBackend implements ExecutionBackend {
  readonly name = 'kubernetes';
  private readonly pollMs: number;
  private closed = false;

  constructor(
    private readonly clients: KubeClients,
    private readonly options: KubernetesBackendOptions,
  ) {
    if (!Number.isInteger(options.actorReplicas) || options.actorReplicas < 0) {
      throw new RangeError(`actorReplicas must be an integer >= 0, got ${options.actorReplicas}`);
    }
    if (!Number.isInteger(options.jobRetries) || options.jobRetries < 0) {
      throw new RangeError(`jobRetries must be an integer >= 0, got ${options.jobRetries}`);
    }
    this.pollMs = options.pollMs ?? 2000;
  }

  async startSelfPlay(request: SelfPlayRequest): Promise<void> {
    // Actors follow the model on the shared volume (or S3) themselves; the simulation ramp reaches
    // them as an env override on the Deployment, set before scaling up so new pods start with it.
    const { namespace, actorDeployment, actorReplicas } = this.options;
    const changed = await setContainerEnv(this.clients, namespace, actorDeployment, {
      [SIMULATIONS_ENV]: String(request.simulations),
    });
    if (changed)
      this.progress({
        kind: 'actors-configured',
        deployment: actorDeployment,
        simulations: request.simulations,
      });
    await this.scale(actorReplicas);
    if (actorReplicas === 0) return;
    const status = await waitForReady(this.clients, namespace, actorDeployment, 1, {
      timeoutMs: this.options.actorReadyTimeoutMs ?? 120_000,
      pollMs: this.pollMs,
    });
    this.progress({
      kind: 'actors-ready',
      deployment: actorDeployment,
      ready: status.readyReplicas,
      wanted: actorReplicas,
    });
  }

  async stopSelfPlay(): Promise<void> {
    // Scaling to 0 sends SIGTERM; each actor drains (writes finished episodes) within its grace period.
    await this.scale(0);
  }

  async train(request: TrainRequest): Promise<TrainResult> {
    const { namespace, jobRetries, jobDeadlineSeconds } = this.options;
    const podTemplate = await this.clients.core.readNamespacedPodTemplate({
      name: this.options.trainerTemplate,
      namespace,
    });
    if (!podTemplate.template)
      throw new TrainerJobError(`PodTemplate ${this.options.trainerTemplate} has no template`);
    const failures: string[] = [];
    for (let attempt = 1; attempt <= jobRetries + 1; attempt++) {
      if (this.closed) throw new TrainerJobError('backend closed');
      const job = buildTrainerJob({
        namespace,
        template: podTemplate.template,
        iteration: request.iteration,
        attempt,
        args: ['--iteration', String(request.iteration), '--steps', String(request.steps)],
        deadlineSeconds: jobDeadlineSeconds,
        ...(this.options.trainerImage ? { image: this.options.trainerImage } : {}),
      });
      const name = job.metadata!.name!;
      // A leftover from a crashed orchestrator would make create fail with 409: start clean.
      await deleteJob(this.clients, namespace, name);
      await this.clients.batch.createNamespacedJob({ namespace, body: job });
      this.progress({ kind: 'job-created', job: name, iteration: request.iteration, attempt });
      let lastActive = -1;
      const outcome = await waitForJob(this.clients, namespace, name, {
        pollMs: this.pollMs,
        // Kubernetes enforces activeDeadlineSeconds; the margin covers scheduling and image pulls.
        timeoutMs: jobDeadlineSeconds * 1000 + 60_000,
        onStatus: (j) => {
          const active = j.status?.active ?? 0;
          if (active !== lastActive) this.progress({ kind: 'job-active', job: name, active });
          lastActive = active;
        },
      });
      if (outcome.phase === 'succeeded') {
        this.progress({ kind: 'job-succeeded', job: name, iteration: request.iteration, attempt });
        const result = await this.publishedResult(request.iteration, name);
        await this.collect();
        return result;
      }
      const willRetry = attempt <= jobRetries;
      failures.push(`${name}: ${outcome.reason}${outcome.message ? ` (${outcome.message})` : ''}`);
      this.progress({
        kind: 'job-failed',
        job: name,
        iteration: request.iteration,
        attempt,
        ...outcome,
        willRetry,
      });
    }
    await this.collect();
    throw new TrainerJobError(
      `training for iteration ${request.iteration} failed after ${jobRetries + 1} attempt(s): ${failures.join('; ')}`,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The trainer's own report of what it published; a Job that "succeeded" without it is an error. */
  private async publishedResult(iteration: number, job: string): Promise<TrainResult> {
    const stats = await (this.options.readSummary ?? (() => readStats(this.options.statsFile)))();
    if (stats.iteration !== iteration) {
      throw new TrainerJobError(
        `${job} succeeded but ${this.options.statsFile} reports iteration ${stats.iteration}, not ${iteration}: no model was published`,
      );
    }
    return {
      modelPath: stats.latest,
      step: stats.step,
      ...(stats.loss !== undefined ? { loss: stats.loss } : {}),
      ...(stats.policy_loss !== undefined ? { policyLoss: stats.policy_loss } : {}),
      ...(stats.value_loss !== undefined ? { valueLoss: stats.value_loss } : {}),
    };
  }

  private async collect(): Promise<void> {
    const jobs = await collectFinishedJobs(
      this.clients,
      this.options.namespace,
      this.options.keepFinishedJobs ?? 3,
    );
    if (jobs.length > 0) this.progress({ kind: 'jobs-collected', jobs });
  }

  private async scale(replicas: number): Promise<void> {
    const { namespace, actorDeployment } = this.options;
    const previous = await scaleDeployment(this.clients, namespace, actorDeployment, replicas);
    this.progress({ kind: 'actors-scaled', deployment: actorDeployment, replicas, previous });
  }

  private progress(event: KubernetesProgress): void {
    this.options.onProgress?.(event);
  }
}

async function readStats(path: string): Promise<TrainerStats> {
  return JSON.parse(await readFile(path, 'utf8')) as TrainerStats;
}

export { trainerJobName };
