// An in-process Kubernetes API server (node:http on 127.0.0.1, random port) with the endpoints the
// controller uses and their real behaviour: resourceVersions and 409 Conflict on stale writes or
// duplicate creates, 404 Status bodies, the deployments/scale subresource (merge patch), Jobs whose
// pod "runs" a callback (success, failure, backoffLimit, activeDeadlineSeconds), label selectors
// and Background deletion. Every request is logged as (verb, group, resource, name) so tests can
// compare the calls with the RBAC Role.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClients } from '../../src/k8s/index.js';

export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
};

export interface RequestRecord {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
  name?: string;
  status: number;
}

/** Runs a Job's pod: resolve = exit 0, reject = non-zero exit. `attempt` counts pods of this Job. */
export type JobRunner = (job: Obj, context: { attempt: number; signal: AbortSignal }) => Promise<void>;

const ROUTES: { re: RegExp; group: string; resource: string }[] = [
  {
    re: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?(?:\/(scale|status))?$/,
    group: 'apps',
    resource: 'deployments',
  },
  {
    re: /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?(?:\/(status))?$/,
    group: 'batch',
    resource: 'jobs',
  },
  {
    re: /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/,
    group: 'coordination.k8s.io',
    resource: 'leases',
  },
  { re: /^\/api\/v1\/namespaces\/([^/]+)\/podtemplates(?:\/([^/]+))?$/, group: '', resource: 'podtemplates' },
];

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
  leases: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  podtemplates: { apiVersion: 'v1', kind: 'PodTemplate' },
};

export class KubeSimulator {
  readonly log: RequestRecord[] = [];
  /** spec.replicas of each deployment after every change, for assertions on scaling history. */
  readonly scaleHistory: { name: string; replicas: number }[] = [];
  private readonly store = new Map<string, Obj>();
  private readonly running = new Map<string, AbortController>();
  private version = 1;
  private server: Server | undefined;
  /** Delay before a scaled deployment reports its replicas ready. */
  readyDelayMs = 20;
  jobRunner: JobRunner = async () => {};

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) =>
        this.send(res, 500, status(500, 'InternalError', String(error))),
      );
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const c of this.running.values()) c.abort();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Seeds an object (as `kubectl apply` of the manifests would). */
  put(resource: string, namespace: string, object: Obj): void {
    const o = structuredClone(object);
    o.metadata.namespace = namespace;
    o.metadata.resourceVersion = String(this.version++);
    o.metadata.creationTimestamp ??= new Date().toISOString();
    this.store.set(key(resource, namespace, o.metadata.name), o);
  }

  get(resource: string, namespace: string, name: string): Obj | undefined {
    return this.store.get(key(resource, namespace, name));
  }

  list(resource: string, namespace: string): Obj[] {
    return [...this.store.entries()]
      .filter(([k]) => k.startsWith(`${resource}/${namespace}/`))
      .map(([, o]) => o);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = ROUTES.map((r) => ({ r, m: r.re.exec(url.pathname) })).find((x) => x.m);
    const body = await readBody(req);
    if (!route) return this.send(res, 404, status(404, 'NotFound', `no route ${url.pathname}`));
    const [, namespace, name, sub] = route.m!;
    const { group, resource } = route.r;
    const method = req.method ?? 'GET';
    const verb =
      method === 'GET'
        ? name
          ? 'get'
          : url.searchParams.get('watch') === 'true'
            ? 'watch'
            : 'list'
        : (({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[
            method
          ] ?? method);
    const record: RequestRecord = {
      verb,
      group,
      resource: sub ? `${resource}/${sub}` : resource,
      namespace: namespace!,
      status: 0,
      ...(name ? { name } : {}),
    };
    this.log.push(record);
    const reply = (code: number, payload: unknown) => {
      record.status = code;
      this.send(res, code, payload);
    };
    const k = name ? key(resource, namespace!, name) : '';
    const current = name ? this.store.get(k) : undefined;

    if (verb === 'list') {
      const selector = parseSelector(url.searchParams.get('labelSelector'));
      const items = this.list(resource, namespace!).filter((o) =>
        selector.every(([lk, lv]) => o.metadata.labels?.[lk] === lv),
      );
      return reply(200, {
        apiVersion: KINDS[resource]!.apiVersion,
        kind: `${KINDS[resource]!.kind}List`,
        metadata: { resourceVersion: String(this.version) },
        items,
      });
    }
    if (verb === 'create') {
      const o = JSON.parse(body) as Obj;
      const k2 = key(resource, namespace!, o.metadata?.name);
      if (!o.metadata?.name) return reply(422, status(422, 'Invalid', 'metadata.name: Required value'));
      if (this.store.has(k2)) {
        return reply(409, status(409, 'AlreadyExists', `${resource} "${o.metadata.name}" already exists`));
      }
      this.put(resource, namespace!, { ...o, ...KINDS[resource] });
      const created = this.store.get(k2)!;
      if (resource === 'jobs') this.startJob(k2);
      return reply(201, created);
    }
    if (!current) return reply(404, status(404, 'NotFound', `${resource} "${name}" not found`));

    if (sub === 'scale') {
      if (verb === 'get') return reply(200, scaleOf(current));
      if (verb === 'patch' || verb === 'update') {
        const patch = JSON.parse(body) as { spec?: { replicas?: number } };
        const replicas = patch.spec?.replicas;
        if (typeof replicas !== 'number' || replicas < 0)
          return reply(422, status(422, 'Invalid', 'spec.replicas'));
        this.setReplicas(k, replicas);
        return reply(200, scaleOf(this.store.get(k)!));
      }
    }
    if (verb === 'get') return reply(200, current);
    if (verb === 'update') {
      const o = JSON.parse(body) as Obj;
      if (o.metadata?.resourceVersion !== current.metadata.resourceVersion) {
        return reply(
          409,
          status(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        );
      }
      o.metadata.resourceVersion = String(this.version++);
      this.store.set(k, { ...o, ...KINDS[resource] });
      return reply(200, this.store.get(k));
    }
    if (verb === 'delete') {
      this.store.delete(k);
      this.running.get(k)?.abort();
      this.running.delete(k);
      return reply(200, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} });
    }
    return reply(405, status(405, 'MethodNotAllowed', `${verb} not supported on ${resource}`));
  }

  private setReplicas(k: string, replicas: number): void {
    const d = this.store.get(k)!;
    d.spec = { ...(d.spec ?? {}), replicas };
    d.status = {
      ...(d.status ?? {}),
      replicas,
      readyReplicas: Math.min(replicas, Number(d.status?.readyReplicas ?? 0)),
    };
    d.metadata.resourceVersion = String(this.version++);
    this.scaleHistory.push({ name: d.metadata.name, replicas });
    // Pods become ready a little later, as they would after scheduling and readiness probes.
    setTimeout(() => {
      const now = this.store.get(k);
      if (now && now.spec?.replicas === replicas) {
        now.status = {
          ...(now.status ?? {}),
          readyReplicas: replicas,
          availableReplicas: replicas,
          updatedReplicas: replicas,
        };
      }
    }, this.readyDelayMs);
  }

  /** A Job controller: pods run the jobRunner until one succeeds or failures exceed backoffLimit. */
  private startJob(k: string): void {
    const controller = new AbortController();
    this.running.set(k, controller);
    const job = this.store.get(k)!;
    const spec = job.spec as { backoffLimit?: number; activeDeadlineSeconds?: number };
    const backoffLimit = spec.backoffLimit ?? 6;
    job.status = { startTime: new Date().toISOString(), active: 1 };
    const finish = (type: 'Complete' | 'Failed', reason: string, message: string) => {
      const current = this.store.get(k);
      if (!current || controller.signal.aborted) return;
      controller.abort();
      const now = new Date().toISOString();
      current.status = {
        ...(current.status ?? {}),
        active: 0,
        ...(type === 'Complete' ? { succeeded: 1, completionTime: now } : {}),
        conditions: [{ type, status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now }],
      };
      current.metadata.resourceVersion = String(this.version++);
    };
    if (spec.activeDeadlineSeconds) {
      const timer = setTimeout(
        () => finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'),
        spec.activeDeadlineSeconds * 1000,
      );
      controller.signal.addEventListener('abort', () => clearTimeout(timer));
    }
    const runPod = async (attempt: number): Promise<void> => {
      try {
        await this.jobRunner(structuredClone(job), { attempt, signal: controller.signal });
        finish('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
      } catch {
        const current = this.store.get(k);
        if (!current || controller.signal.aborted) return;
        const failed = Number(current.status?.failed ?? 0) + 1;
        current.status = { ...(current.status ?? {}), failed };
        if (failed > backoffLimit)
          finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
        else await runPod(attempt + 1);
      }
    };
    setImmediate(() => void runPod(1));
  }

  private send(res: ServerResponse, code: number, payload: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }
}

function key(resource: string, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

function scaleOf(d: Obj): Obj {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      resourceVersion: d.metadata.resourceVersion,
    },
    spec: { replicas: Number(d.spec?.replicas ?? 0) },
    status: { replicas: Number(d.status?.replicas ?? 0) },
  };
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function parseSelector(text: string | null): [string, string][] {
  if (!text) return [];
  return text.split(',').map((term) => term.split('=').map((s) => s.trim()) as [string, string]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Makes `holder` the Lease's holder behind its owner's back, retrying on 409 while the owner renews. */
export async function takeOverLease(
  clients: KubeClients,
  name: string,
  namespace: string,
  holder: string,
): Promise<void> {
  for (let taken = false; !taken; ) {
    const current = await clients.coordination.readNamespacedLease({ name, namespace });
    taken = await clients.coordination
      .replaceNamespacedLease({
        name,
        namespace,
        body: { ...current, spec: { ...current.spec, holderIdentity: holder } },
      })
      .then(
        () => true,
        (e: { code?: number }) => {
          if (e.code !== 409) throw e;
          return false;
        },
      );
  }
}
