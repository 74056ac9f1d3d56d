// `cartridge k8s render|up|status|scale`: print the manifests of an overlay (rendered and
// schema-checked without kubectl), bring up the Kind setup step by step, and look at / scale a
// running deployment through the Kubernetes API.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  apiStatus,
  COMPONENT_LABEL,
  createKubeClients,
  deploymentStatus,
  ITERATION_LABEL,
  jobOutcome,
  type KubeClients,
  renderKustomization,
  scaleDeployment,
  toMultiDocYaml,
  validateObjects,
} from '../../k8s/index.js';
import { loadCommandConfig } from '../config-options.js';
import { UsageError } from '../errors.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const OVERLAYS = ['kind', 'cloud'] as const;

interface ApiOptions {
  server?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export function registerK8sCommand(program: Command): void {
  const k8s = program.command('k8s').description('Kubernetes: render manifests, set up Kind, status, scale');

  k8s
    .command('render')
    .description(
      'print the manifests of an overlay as multi-document YAML (validated against the API schemas)',
    )
    .option('--overlay <name>', `overlay: ${OVERLAYS.join(' | ')}`, 'kind')
    .option('--dir <path>', 'kustomization directory to render instead of k8s/overlays/<overlay>')
    .option('--no-validate', 'skip the offline schema check')
    .action((options: { overlay: string; dir?: string; validate: boolean }) => {
      const dir = options.dir ?? overlayDir(options.overlay);
      const objects = renderKustomization(dir);
      if (options.validate) {
        const problems = validateObjects(objects);
        if (problems.length > 0)
          throw new UsageError(`${dir}: invalid manifests:\n  ${problems.join('\n  ')}`);
      }
      process.stdout.write(toMultiDocYaml(objects));
    });

  k8s
    .command('up')
    .description('Kind: create the cluster, build and load the images, apply the kind overlay')
    .option('--name <cluster>', 'Kind cluster name', 'cartridge')
    .option('--dry-run', 'print the steps without running them')
    .action((options: { name: string; dryRun?: boolean }) => {
      const steps = kindSteps(options.name);
      if (options.dryRun) {
        for (const step of steps) process.stdout.write(`${step.join(' ')}\n`);
        return;
      }
      const missing = ['kind', 'docker', 'kubectl'].filter((tool) => !onPath(tool));
      if (missing.length > 0) {
        throw new UsageError(
          `k8s up needs ${missing.join(', ')} on PATH (see k8s/README.md); the steps are:\n  ${steps.map((s) => s.join(' ')).join('\n  ')}`,
        );
      }
      const clusters = spawnSync('kind', ['get', 'clusters'], { encoding: 'utf8' });
      const exists = clusters.stdout.split('\n').includes(options.name);
      for (const step of steps) {
        if (exists && step[0] === 'kind' && step[1] === 'create') {
          process.stderr.write(`kind cluster ${options.name} exists; skipping create\n`);
          continue;
        }
        process.stderr.write(`$ ${step.join(' ')}\n`);
        const result = spawnSync(step[0]!, step.slice(1), { stdio: 'inherit', cwd: repoRoot });
        if (result.status !== 0) {
          throw new Error(`step failed (exit ${result.status ?? result.signal}): ${step.join(' ')}`);
        }
      }
      process.stderr.write(`Cartridge is starting in kind-${options.name}; web UI: http://localhost:8080\n`);
    });

  apiOptions(
    k8s
      .command('status')
      .description('actor deployment, trainer Jobs and the orchestrator lease')
      .action(async (options: ApiOptions, command: Command) => {
        const { clients, namespace, config } = connect(command, options);
        const k = config.kubernetes;
        const out: string[] = [`cluster ${clients.server}, namespace ${namespace}`];
        const actors = await deploymentStatus(clients, namespace, k.actor_deployment).catch(notFound);
        out.push(
          actors
            ? `actors: ${actors.readyReplicas}/${actors.replicas} ready (deployment ${k.actor_deployment})`
            : `actors: deployment ${k.actor_deployment} not found`,
        );
        const jobs = await clients.batch.listNamespacedJob({
          namespace,
          labelSelector: `${COMPONENT_LABEL}=trainer`,
        });
        for (const job of jobs.items) {
          const outcome = jobOutcome(job);
          const phase = outcome ? outcome.phase : (job.status?.active ?? 0) > 0 ? 'running' : 'pending';
          out.push(
            `trainer job ${job.metadata?.name}: iteration ${job.metadata?.labels?.[ITERATION_LABEL] ?? '?'}, ${phase}${outcome?.phase === 'failed' ? ` (${outcome.reason})` : ''}`,
          );
        }
        if (jobs.items.length === 0) out.push('trainer jobs: none');
        const lease = await clients.coordination
          .readNamespacedLease({ name: k.lease_name, namespace })
          .catch(notFound);
        out.push(
          lease?.spec?.holderIdentity
            ? `leader: ${lease.spec.holderIdentity} (renewed ${String(lease.spec.renewTime)})`
            : 'leader: none',
        );
        process.stdout.write(`${out.join('\n')}\n`);
      }),
  );

  apiOptions(
    k8s
      .command('scale')
      .description('set the number of actor replicas')
      .requiredOption('--actors <n>', 'replicas (0 stops self-play)', (text: string) => {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 0)
          throw new UsageError(`--actors must be an integer >= 0, got "${text}"`);
        return n;
      })
      .action(async (options: ApiOptions & { actors: number }, command: Command) => {
        const { clients, namespace, config } = connect(command, options);
        const name = config.kubernetes.actor_deployment;
        const previous = await scaleDeployment(clients, namespace, name, options.actors).catch(
          (error: unknown) => {
            if (apiStatus(error) === 404) throw new UsageError(`deployment ${namespace}/${name} not found`);
            throw error;
          },
        );
        process.stdout.write(`${namespace}/${name}: ${previous} -> ${options.actors} replicas\n`);
      }),
  );
}

function apiOptions(command: Command): Command {
  return command
    .option(
      '--server <url>',
      'API server URL without credentials (e.g. kubectl proxy: http://127.0.0.1:8001)',
    )
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--namespace <ns>', 'namespace (default kubernetes.namespace)');
}

function connect(command: Command, options: ApiOptions) {
  const { config } = loadCommandConfig(command);
  const clients: KubeClients = createKubeClients({
    ...(options.server ? { server: options.server } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  return { clients, namespace: options.namespace ?? config.kubernetes.namespace, config };
}

function notFound(error: unknown): undefined {
  if (apiStatus(error) === 404) return undefined;
  throw error;
}

function overlayDir(overlay: string): string {
  if (!(OVERLAYS as readonly string[]).includes(overlay)) {
    throw new UsageError(`--overlay must be one of ${OVERLAYS.join(', ')}, got "${overlay}"`);
  }
  return join(repoRoot, 'k8s', 'overlays', overlay);
}

/** The documented Kind path (k8s/README.md), as commands run from the repository root. */
export function kindSteps(cluster: string): string[][] {
  return [
    ['kind', 'create', 'cluster', '--name', cluster, '--config', 'k8s/kind-cluster.yaml'],
    ['docker', 'build', '-f', 'docker/node.Dockerfile', '-t', 'cartridge:dev', '.'],
    ['docker', 'build', '-f', 'docker/trainer.Dockerfile', '-t', 'cartridge-trainer:dev', '.'],
    ['kind', 'load', 'docker-image', 'cartridge:dev', 'cartridge-trainer:dev', '--name', cluster],
    ['kubectl', '--context', `kind-${cluster}`, 'apply', '-k', 'k8s/overlays/kind'],
  ];
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    const path = join(dir, tool);
    if (!existsSync(path)) return false;
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
