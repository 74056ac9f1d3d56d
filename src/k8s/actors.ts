// The actor Deployment: scaled through its scale subresource (so an HPA or `kubectl scale` and
// the orchestrator all speak the same API), status read from the Deployment itself.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { apiStatus, type KubeClients, sleep } from './client.js';

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

/**
 * Sets environment variables on the Deployment's first container (the actor), replacing the
 * Deployment with its resourceVersion so a concurrent change (an HPA scaling it) is retried,
 * not overwritten. Pods created afterwards get the new values; running pods are replaced by a
 * rolling update. Returns false, writing nothing, when every value is already set.
 */
export async function setContainerEnv(
  clients: KubeClients,
  namespace: string,
  name: string,
  values: Record<string, string>,
  attempts = 5,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const deployment = await clients.apps.readNamespacedDeployment({ name, namespace });
    const container = deployment.spec?.template.spec?.containers[0];
    if (!container) throw new Error(`Deployment ${namespace}/${name} has no container`);
    const env = container.env ?? [];
    const upToDate = Object.entries(values).every(([key, value]) => {
      const current = env.find((e) => e.name === key);
      return current?.value === value && current.valueFrom === undefined;
    });
    if (upToDate) return false;
    container.env = [
      ...env.filter((e) => !(e.name in values)),
      ...Object.entries(values).map(([key, value]) => ({ name: key, value })),
    ];
    try {
      await clients.apps.replaceNamespacedDeployment({ name, namespace, body: deployment });
      return true;
    } catch (error) {
      if (apiStatus(error) !== 409 || attempt >= attempts) throw error;
    }
  }
}
