// Trainer Jobs: one per iteration (and attempt), built from the PodTemplate the manifests ship
// (k8s/base/trainer-podtemplate.yaml), polled until Complete or Failed, retried with a fresh Job
// when one fails, and garbage-collected once finished so the namespace keeps a short history.
import type { V1Job, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { apiStatus, sleep } from './client.js';

export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const ITERATION_LABEL = 'cartridge.dev/iteration';
export const ATTEMPT_LABEL = 'cartridge.dev/attempt';

export interface TrainerJobSpec {
  namespace: string;
  /** The PodTemplate read from the cluster (template part). */
  template: V1PodTemplateSpec;
  iteration: number;
  attempt: number;
  /** Extra arguments for the trainer container (e.g. --iteration 3 --steps 300). */
  args: string[];
  /** spec.activeDeadlineSeconds: Kubernetes kills the pod after this. */
  deadlineSeconds: number;
  /** Image override; empty = the template's image. */
  image?: string;
  containerName?: string;
}

export function trainerJobName(iteration: number, attempt: number): string {
  return `cartridge-trainer-i${iteration}-a${attempt}`;
}

/** A Job for one training attempt. backoffLimit 0: the controller retries with a new, visible Job. */
export function buildTrainerJob(spec: TrainerJobSpec): V1Job {
  const template: V1PodTemplateSpec = structuredClone(spec.template);
  const podSpec = template.spec;
  if (!podSpec?.containers?.length) throw new Error('trainer PodTemplate has no containers');
  const container =
    podSpec.containers.find((c) => c.name === (spec.containerName ?? 'trainer')) ?? podSpec.containers[0]!;
  container.args = [...(container.args ?? []), ...spec.args];
  if (spec.image) container.image = spec.image;
  podSpec.restartPolicy = 'Never';
  const labels = {
    ...(template.metadata?.labels ?? {}),
    [COMPONENT_LABEL]: 'trainer',
    [ITERATION_LABEL]: String(spec.iteration),
    [ATTEMPT_LABEL]: String(spec.attempt),
  };
  template.metadata = { ...(template.metadata ?? {}), labels };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: trainerJobName(spec.iteration, spec.attempt), namespace: spec.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: spec.deadlineSeconds,
      template,
    },
  };
}

export type JobOutcome = { phase: 'succeeded' } | { phase: 'failed'; reason: string; message: string };

/** Complete/Failed from the Job's conditions, or undefined while it runs. */
export function jobOutcome(job: V1Job): JobOutcome | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return { phase: 'succeeded' };
    if (c.type === 'Failed')
      return { phase: 'failed', reason: c.reason ?? 'Failed', message: c.message ?? '' };
  }
  return undefined;
}

/** Polls the Job until it finishes or `timeoutMs` passes (then the Job is deleted and reported failed). */
export async function waitForJob(
  clients: KubeClients,
  namespace: string,
  name: string,
  options: { pollMs: number; timeoutMs: number; signal?: AbortSignal; onStatus?: (job: V1Job) => void },
): Promise<JobOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let job: V1Job;
    try {
      job = await clients.batch.readNamespacedJob({ name, namespace });
    } catch (error) {
      if (apiStatus(error) === 404)
        return { phase: 'failed', reason: 'Deleted', message: `Job ${name} disappeared` };
      throw error;
    }
    options.onStatus?.(job);
    const outcome = jobOutcome(job);
    if (outcome) return outcome;
    if (Date.now() >= deadline) {
      await deleteJob(clients, namespace, name);
      return {
        phase: 'failed',
        reason: 'DeadlineExceeded',
        message: `no result within ${options.timeoutMs} ms`,
      };
    }
    await sleep(options.pollMs, options.signal);
  }
}

export async function deleteJob(clients: KubeClients, namespace: string, name: string): Promise<void> {
  try {
    // Background: the garbage collector removes the Job's pods; the controller needs no pod rights.
    await clients.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
  } catch (error) {
    if (apiStatus(error) !== 404) throw error;
  }
}

/** Deletes finished trainer Jobs except the newest `keep`; returns the names deleted. */
export async function collectFinishedJobs(
  clients: KubeClients,
  namespace: string,
  keep: number,
): Promise<string[]> {
  const list = await clients.batch.listNamespacedJob({
    namespace,
    labelSelector: `${COMPONENT_LABEL}=trainer`,
  });
  const finished = list.items
    .filter((job) => jobOutcome(job) !== undefined)
    .sort(
      (a, b) =>
        creationTime(b) - creationTime(a) ||
        label(b, ITERATION_LABEL) - label(a, ITERATION_LABEL) ||
        label(b, ATTEMPT_LABEL) - label(a, ATTEMPT_LABEL),
    );
  const doomed = finished.slice(keep).map((job) => job.metadata!.name!);
  for (const name of doomed) await deleteJob(clients, namespace, name);
  return doomed;
}

/** Numeric label value (creation timestamps have 1 s resolution: iteration and attempt break ties). */
function label(job: V1Job, key: string): number {
  return Number(job.metadata?.labels?.[key] ?? 0);
}

function creationTime(job: V1Job): number {
  const t = job.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}
