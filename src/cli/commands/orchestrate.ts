// `cartridge orchestrate --mode local|kubernetes`: the iteration loop as a service. Local mode is
// `cartridge train` without the web UI; Kubernetes mode first waits for the orchestrator Lease
// (only its holder acts), then runs the same loop with actors = the actor Deployment and training =
// a trainer Job per iteration. Episodes are counted in the replay store and evaluation runs in this
// process in both modes.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { CartridgeConfig } from '../../config/index.js';
import {
  createKubeClients,
  type KubeClients,
  KubernetesBackend,
  type KubernetesProgress,
  LeaderElector,
} from '../../k8s/index.js';
import { logger } from '../../logging/index.js';
import { startProbeServer } from '../../metrics/index.js';
import type { ExecutionBackend } from '../../orchestrator/backend.js';
import { OrchestratorMetrics } from '../../orchestrator/metrics.js';
import { type BackendContext, createLocalBackend, runOrchestrator } from '../../orchestrator/run.js';
import { type FlagMap, loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';
import { LOOP_FLAGS, withLoopOptions } from '../loop-options.js';
import { openReplayFromConfig } from '../replay-store.js';

/** Exit code when the Lease is lost while leading: another replica may act now, so stop at once. */
export const LEASE_LOST_EXIT = 3;

export type OrchestratorMode = 'local' | 'kubernetes';

export interface ApiConnection {
  server?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface OrchestrateResult {
  /** True when a signal stopped the run before its iteration limit. */
  stopped: boolean;
}

const FLAGS: FlagMap = {
  ...LOOP_FLAGS,
  mode: { key: 'orchestrator.mode', flag: '--mode' },
  trainingMode: { key: 'training.mode', flag: '--training-mode' },
  actors: { key: 'kubernetes.actor_replicas', flag: '--actors' },
  metricsPort: { key: 'orchestrator.metrics_port', flag: '--metrics-port' },
};

export function registerOrchestrateCommand(program: Command): void {
  withLoopOptions(
    program
      .command('orchestrate')
      .description(
        'run the training loop as a service: locally, or driving a Kubernetes cluster as the Lease holder',
      )
      .option('--mode <mode>', 'local | kubernetes (orchestrator.mode)'),
  )
    .option('--training-mode <mode>', 'synchronous | continuous (training.mode)')
    .option('--workers <n>', 'local mode: self-play worker threads (actor.workers)')
    .option('--actors <n>', 'kubernetes mode: actor replicas during self-play (kubernetes.actor_replicas)')
    .option('--data-dir <dir>', 'data directory (common.data_dir; the shared volume in a cluster)')
    .option(
      '--metrics-port <port>',
      'serve /health, /ready, /metrics on this port (orchestrator.metrics_port; 0 = off)',
    )
    .option('--server <url>', 'kubernetes mode: API server URL without credentials (tests, kubectl proxy)')
    .option(
      '--kubeconfig <path>',
      'kubernetes mode: kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)',
    )
    .option('--context <name>', 'kubernetes mode: kubeconfig context')
    .option('--namespace <ns>', 'kubernetes mode: namespace (default kubernetes.namespace)')
    .action(async (options: ApiConnection, command: Command) => {
      const { config } = loadCommandConfig(command, FLAGS);
      await runOrchestrateCommand(config, config.orchestrator.mode, options);
    });
}

/**
 * Runs the loop from the command line: replay store from config, signals (first = stop after the
 * current phase, second = exit now), the summary on stdout. Shared by `train` and `orchestrate`.
 */
export async function runOrchestrateCommand(
  config: CartridgeConfig,
  mode: OrchestratorMode,
  api: ApiConnection = {},
): Promise<OrchestrateResult> {
  const log = logger(mode === 'kubernetes' ? 'orchestrator' : 'train');
  const abort = new AbortController();
  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      log.warn({ signal }, 'second signal: exiting now (state is saved; rerun the same command to resume)');
      process.exit(130);
    }
    stopRequested = true;
    abort.abort(new Error(`stopped by ${signal}`));
    log.info({ signal }, 'stopping after the current phase (press again to exit at once)');
  };

  let kube: { clients: KubeClients; namespace: string } | undefined;
  if (mode === 'kubernetes') {
    kube = {
      clients: createKubeClients({
        ...(api.server ? { server: api.server } : {}),
        ...(api.kubeconfig ? { kubeconfig: api.kubeconfig } : {}),
        ...(api.context ? { context: api.context } : {}),
      }),
      namespace: api.namespace ?? config.kubernetes.namespace,
    };
  } else if (api.server || api.kubeconfig || api.context || api.namespace) {
    throw new UsageError('--server, --kubeconfig, --context and --namespace need --mode kubernetes');
  }

  const { store, location } = openReplayFromConfig(config);
  let elector: LeaderElector | undefined;
  const metrics = new OrchestratorMetrics();
  metrics.leader.set(kube ? 0 : 1);
  let probes: Awaited<ReturnType<typeof startProbeServer>> | undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (config.orchestrator.metrics_port > 0) {
      probes = await startProbeServer({
        host: '0.0.0.0',
        port: config.orchestrator.metrics_port,
        registry: metrics.registry,
        // Ready as soon as it serves: a standby waiting for the Lease is healthy, and tying readiness
        // to leadership would stall a rolling update (the new pod never ready while the old leads).
        isReady: () => true,
      });
    }
    let createBackend: (context: BackendContext) => ExecutionBackend = createLocalBackend;
    if (kube) {
      const { clients, namespace } = kube;
      const identity = process.env.POD_NAME || hostname();
      const lease = config.kubernetes.lease_name;
      elector = new LeaderElector(clients, {
        namespace,
        name: lease,
        identity,
        leaseDurationSeconds: config.kubernetes.lease_duration_seconds,
        onLost: (reason) => {
          // Another replica may be acting already: touching actors or Jobs now would fight it.
          log.error({ reason }, 'lost the orchestrator lease; exiting so a new leader runs alone');
          process.exit(LEASE_LOST_EXIT);
        },
      });
      log.info({ identity, lease: `${namespace}/${lease}`, server: clients.server }, 'waiting for the lease');
      try {
        await elector.waitForLeadership(abort.signal);
      } catch (error) {
        if (stopRequested) {
          log.info('stopped before leading');
          return { stopped: true };
        }
        throw error;
      }
      log.info({ identity }, 'leading: running the training loop');
      metrics.leader.set(1);
      createBackend = (context) => kubernetesBackend(clients, namespace, config, context);
    }
    const { state, view } = await runOrchestrator({
      config,
      replay: store,
      replayLocation: location,
      createBackend,
      observers: [metrics],
      stopRequested: () => stopRequested,
    });
    process.stdout.write(`${view.summary(state)}\n`);
    return { stopped: stopRequested };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Clearing the holder lets a standby replica take over at once instead of after expiry.
    await elector?.release();
    await probes?.close();
    await store.close();
  }
}

function kubernetesBackend(
  clients: KubeClients,
  namespace: string,
  config: CartridgeConfig,
  context: BackendContext,
): KubernetesBackend {
  const k = config.kubernetes;
  return new KubernetesBackend(clients, {
    namespace,
    actorDeployment: k.actor_deployment,
    actorReplicas: k.actor_replicas,
    trainerTemplate: k.trainer_template,
    ...(k.trainer_image ? { trainerImage: k.trainer_image } : {}),
    jobDeadlineSeconds: k.job_deadline_seconds,
    jobRetries: k.job_retries,
    keepFinishedJobs: k.keep_finished_jobs,
    // The trainer Job writes its summary next to the models on the shared volume.
    statsFile: context.paths.statsFile,
    onProgress: (event) => context.view.trainerLine(describeProgress(event)),
  });
}

function describeProgress(e: KubernetesProgress): string {
  switch (e.kind) {
    case 'actors-configured':
      return `actors: deployment ${e.deployment} set to ${e.simulations} simulations per move`;
    case 'actors-scaled':
      return `actors: deployment ${e.deployment} ${e.previous} -> ${e.replicas} replicas`;
    case 'actors-ready':
      return `actors: ${e.ready}/${e.wanted} ready`;
    case 'job-created':
      return `trainer job ${e.job} created (iteration ${e.iteration}, attempt ${e.attempt})`;
    case 'job-active':
      return `trainer job ${e.job}: ${e.active} pod(s) active`;
    case 'job-succeeded':
      return `trainer job ${e.job} succeeded`;
    case 'job-failed':
      return `trainer job ${e.job} failed: ${e.reason}${e.message ? ` (${e.message})` : ''}${e.willRetry ? ', retrying' : ''}`;
    case 'jobs-collected':
      return `deleted finished trainer jobs: ${e.jobs.join(', ')}`;
  }
}
