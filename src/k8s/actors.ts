// The actor Deployment: scaled through its scale subresource (so an HPA or `kubectl scale` and
// the orchestrator all speak the same API), status read from the Deployment itself.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { sleep } from './client.js';

export interface DeploymentStatus {
  name: string;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
}

/** Sets spec.replicas through deployments/scale (merge patch); returns the previous value. */
export async function scaleDeployment(
  clients: KubeClients,
  namespace: string,
  name: string,
  replicas: number,
): Promise<number> {
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new RangeError(`replicas must be an integer >= 0, got ${replicas}`);
  const before = await clients.apps.readNamespacedDeploymentScale({ name, namespace });
  if (before.spec?.replicas !== replicas) {
    await clients.apps.patchNamespacedDeploymentScale(
      { name, namespace, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
  return before.spec?.replicas ?? 0;
}

export async function deploymentStatus(
  clients: KubeClients,
  namespace: string,
  name: string,
): Promise<DeploymentStatus> {
  const d = await clients.apps.readNamespacedDeployment({ name, namespace });
  return {
    name,
    replicas: d.spec?.replicas ?? 0,
    readyReplicas: d.status?.readyReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    availableReplicas: d.status?.availableReplicas ?? 0,
  };
}

/** Polls until at least `minReady` replicas are ready (or the timeout passes; returns the last status). */
export async function waitForReady(
  clients: KubeClients,
  namespace: string,
  name: string,
  minReady: number,
  options: { timeoutMs: number; pollMs: number; signal?: AbortSignal },
): Promise<DeploymentStatus> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const status = await deploymentStatus(clients, namespace, name);
    if (status.readyReplicas >= minReady || Date.now() >= deadline) return status;
    await sleep(options.pollMs, options.signal);
  }
}
