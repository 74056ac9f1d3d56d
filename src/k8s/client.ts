// Kubernetes API clients for the controller: in-cluster (service account) when running in a
// pod, else the user's kubeconfig ($KUBECONFIG or ~/.kube/config), or an explicit server URL
// (the simulator in tests).
import { AppsV1Api, BatchV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

export interface KubeClients {
  apps: AppsV1Api;
  batch: BatchV1Api;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  /** Where the clients talk to, for messages. */
  server: string;
}

export interface KubeClientOptions {
  /** Talk to this API server without credentials (tests, `kubectl proxy`). */
  server?: string;
  /** kubeconfig file; default: in-cluster when KUBERNETES_SERVICE_HOST is set, else $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
}

export function createKubeClients(options: KubeClientOptions = {}): KubeClients {
  const kc = new KubeConfig();
  if (options.server) {
    kc.loadFromClusterAndUser(
      { name: 'cartridge', server: options.server, skipTLSVerify: true },
      { name: 'cartridge' },
    );
  } else if (options.kubeconfig) {
    kc.loadFromFile(options.kubeconfig);
  } else {
    kc.loadFromDefault();
  }
  if (options.context) kc.setCurrentContext(options.context);
  return {
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    server: kc.getCurrentCluster()?.server ?? '(no cluster)',
  };
}

/** HTTP status of a failed API call (ApiException.code), or undefined for other errors. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
