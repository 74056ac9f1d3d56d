// The Kubernetes backend against the in-process API simulator, seeded with the rendered Kind
// overlay: a full iteration loop (actors up, actors to 0 during the trainer Job, model published,
// next iteration), a failed Job retried, Job garbage collection, leader election, and the RBAC
// Role compared with the calls the controller actually made.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import {
  createKubeClients,
  type KubeClients,
  KubernetesBackend,
  type KubernetesProgress,
  LeaderElector,
  renderKustomization,
  setContainerEnv,
  TrainerJobError,
} from '../src/k8s/index.js';
import { KubeSimulator, type Obj, takeOverLease } from './helpers/k8s-simulator.js';

const NS = 'cartridge';

async function startCluster(): Promise<{
  sim: KubeSimulator;
  clients: KubeClients;
  dataDir: string;
  server: string;
}> {
  const sim = new KubeSimulator();
  const server = await sim.start();
  // What `kubectl apply -k k8s/overlays/kind` would have created.
  for (const o of renderKustomization('k8s/overlays/kind')) {
    if (o.kind === 'Deployment') sim.put('deployments', NS, o as unknown as Obj);
    if (o.kind === 'PodTemplate') sim.put('podtemplates', NS, o as unknown as Obj);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cartridge-k8s-'));
  mkdirSync(join(dataDir, 'models'));
  return { sim, clients: createKubeClients({ server }), dataDir, server };
}

/** A stand-in for the trainer pod: publishes models/latest.onnx and stats.json on the "shared volume". */
function fakeTrainer(
  sim: KubeSimulator,
  dataDir: string,
  seen: { iteration: number; actors: number; args: string[] }[],
) {
  return async (job: Obj) => {
    const container = (job.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec
      .containers[0]!;
    const iteration = Number(container.args[container.args.indexOf('--iteration') + 1]);
    seen.push({
      iteration,
      actors: Number(sim.get('deployments', NS, 'cartridge-actor')!.spec!.replicas),
      args: container.args,
    });
    await new Promise((r) => setTimeout(r, 30));
    const latest = join(dataDir, 'models', 'latest.onnx');
    writeFileSync(latest, `model of iteration ${iteration}`);
    writeFileSync(
      join(dataDir, 'stats.json'),
      JSON.stringify({ iteration, step: iteration * 10, latest, loss: 1 / iteration }),
    );
  };
}

type Container = { name: string; args?: string[]; env?: { name: string; value?: string }[] };

function actorContainer(deployment: Obj): Container {
  return (deployment.spec as { template: { spec: { containers: Container[] } } }).template.spec
    .containers[0]!;
}

/** Polls a condition (the machine is noisy: no fixed sleeps for asynchronous effects). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

function backendFor(clients: KubeClients, dataDir: string, events: KubernetesProgress[], extra: object = {}) {
  return new KubernetesBackend(clients, {
    namespace: NS,
    actorDeployment: 'cartridge-actor',
    actorReplicas: 3,
    trainerTemplate: 'cartridge-trainer',
    jobDeadlineSeconds: 30,
    jobRetries: 2,
    keepFinishedJobs: 1,
    statsFile: join(dataDir, 'stats.json'),
    pollMs: 10,
    onProgress: (e) => events.push(e),
    ...extra,
  });
}

test('a full loop: actors to N, to 0 while the trainer Job runs, model published, next iteration', async (t) => {
  const { sim, clients, dataDir } = await startCluster();
  t.teardown(() => sim.stop());
  const seen: { iteration: number; actors: number; args: string[] }[] = [];
  sim.jobRunner = fakeTrainer(sim, dataDir, seen);
  const events: KubernetesProgress[] = [];
  const backend = backendFor(clients, dataDir, events);

  const rendered = structuredClone(sim.get('deployments', NS, 'cartridge-actor')!);
  for (const iteration of [1, 2]) {
    // The loop's simulation ramp: 50, then 75.
    const simulations = 25 + 25 * iteration;
    await backend.startSelfPlay({ iteration, simulations, modelPath: undefined, episodes: 0 });
    const actor = sim.get('deployments', NS, 'cartridge-actor')!;
    t.is(actor.spec!.replicas, 3, 'self-play runs on N actors');
    t.is(actor.status!.readyReplicas, 3, 'startSelfPlay waited for ready actors');
    const container = actorContainer(actor);
    t.deepEqual(
      container.env?.filter((e) => e.name === 'CARTRIDGE_MCTS_NUM_SIMULATIONS'),
      [{ name: 'CARTRIDGE_MCTS_NUM_SIMULATIONS', value: String(simulations) }],
      'the ramp reaches the actor pods as an env override',
    );
    // Nothing else of the pod template changed.
    t.deepEqual(
      { ...container, env: container.env?.filter((e) => e.name !== 'CARTRIDGE_MCTS_NUM_SIMULATIONS') },
      { ...actorContainer(rendered), env: actorContainer(rendered).env ?? [] },
    );
    await backend.stopSelfPlay();
    const result = await backend.train({ iteration, steps: 25 });
    t.is(result.step, iteration * 10);
    t.is(result.modelPath, join(dataDir, 'models', 'latest.onnx'));
  }
  await backend.close();

  t.deepEqual(
    sim.scaleHistory.map((s) => s.replicas),
    [3, 0, 3, 0],
  );
  t.deepEqual(
    seen.map((s) => [s.iteration, s.actors]),
    [
      [1, 0],
      [2, 0],
    ],
    'the trainer ran while actors were at 0',
  );
  t.deepEqual(seen[0]!.args, ['trainer', '--iteration', '1', '--steps', '25']);
  // The Job came from the PodTemplate: image, volumes and the Kind node pinning carried over.
  const job = sim.get('jobs', NS, 'cartridge-trainer-i2-a1')!;
  const podSpec = (job.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  t.deepEqual(podSpec.nodeSelector, { 'cartridge.dev/node': 'main' });
  t.is((podSpec.containers as { image: string }[])[0]!.image, 'cartridge-trainer:dev');
  t.is((job.spec as { backoffLimit: number }).backoffLimit, 0);
  // keepFinishedJobs = 1: iteration 1's Job was collected after iteration 2 finished.
  t.deepEqual(
    sim.list('jobs', NS).map((j) => j.metadata.name),
    ['cartridge-trainer-i2-a1'],
  );
  t.true(events.some((e) => e.kind === 'jobs-collected' && e.jobs.includes('cartridge-trainer-i1-a1')));
  t.deepEqual(
    events.filter((e) => e.kind === 'actors-configured').map((e) => e.simulations),
    [50, 75],
  );
});

test('the simulation override is written once per value and survives a concurrent update (409)', async (t) => {
  const { sim, clients } = await startCluster();
  t.teardown(() => sim.stop());
  t.true(await setContainerEnv(clients, NS, 'cartridge-actor', { CARTRIDGE_MCTS_NUM_SIMULATIONS: '40' }));
  t.false(await setContainerEnv(clients, NS, 'cartridge-actor', { CARTRIDGE_MCTS_NUM_SIMULATIONS: '40' }));
  const updates = () => sim.log.filter((r) => r.resource === 'deployments' && r.verb === 'update');
  t.is(updates().length, 1, 'an unchanged value is not written again');
  // Someone else (an HPA, kubectl) changes the Deployment between our read and our write.
  let raced = false;
  const original = clients.apps.readNamespacedDeployment.bind(clients.apps);
  clients.apps.readNamespacedDeployment = (async (...args: Parameters<typeof original>) => {
    const read = await original(...args);
    if (!raced) {
      raced = true;
      sim.get('deployments', NS, 'cartridge-actor')!.metadata.resourceVersion = 'moved-on';
    }
    return read;
  }) as typeof original;
  t.true(await setContainerEnv(clients, NS, 'cartridge-actor', { CARTRIDGE_MCTS_NUM_SIMULATIONS: '60' }));
  t.deepEqual(
    updates().map((r) => r.status),
    [200, 409, 200],
  );
  t.deepEqual(
    actorContainer(sim.get('deployments', NS, 'cartridge-actor')!).env?.find(
      (e) => e.name === 'CARTRIDGE_MCTS_NUM_SIMULATIONS',
    ),
    { name: 'CARTRIDGE_MCTS_NUM_SIMULATIONS', value: '60' },
  );
});

test('a failed trainer Job is retried with a new Job; exhausting the retries is an error', async (t) => {
  const { sim, clients, dataDir } = await startCluster();
  t.teardown(() => sim.stop());
  const seen: { iteration: number; actors: number; args: string[] }[] = [];
  const trainer = fakeTrainer(sim, dataDir, seen);
  sim.jobRunner = async (job) => {
    if (job.metadata.name.endsWith('-a1')) throw new Error('CUDA out of memory'); // first attempt crashes
    await trainer(job);
  };
  const events: KubernetesProgress[] = [];
  const backend = backendFor(clients, dataDir, events, { keepFinishedJobs: 5 });
  const result = await backend.train({ iteration: 4, steps: 10 });
  t.is(result.step, 40);
  const failed = events.find((e) => e.kind === 'job-failed');
  t.like(failed, { job: 'cartridge-trainer-i4-a1', reason: 'BackoffLimitExceeded', willRetry: true });
  t.true(events.some((e) => e.kind === 'job-succeeded' && e.job === 'cartridge-trainer-i4-a2'));

  sim.jobRunner = async () => {
    throw new Error('always fails');
  };
  const error = await t.throwsAsync(() => backend.train({ iteration: 5, steps: 10 }), {
    instanceOf: TrainerJobError,
  });
  t.regex(error!.message, /iteration 5 failed after 3 attempt\(s\)/);
  t.is(events.filter((e) => e.kind === 'job-failed' && e.iteration === 5).length, 3);
});

test('a Job that succeeds without publishing the iteration model is an error', async (t) => {
  const { sim, clients, dataDir } = await startCluster();
  t.teardown(() => sim.stop());
  writeFileSync(join(dataDir, 'stats.json'), JSON.stringify({ iteration: 1, step: 10, latest: 'x' }));
  sim.jobRunner = async () => {}; // exits 0, writes nothing
  const backend = backendFor(clients, dataDir, []);
  await t.throwsAsync(() => backend.train({ iteration: 2, steps: 10 }), {
    message: /reports iteration 1, not 2/,
  });
});

test('Kubernetes activeDeadlineSeconds fails a hung trainer Job', async (t) => {
  const { sim, clients, dataDir } = await startCluster();
  t.teardown(() => sim.stop());
  sim.jobRunner = (_job, { signal }) =>
    new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('killed'))));
  const events: KubernetesProgress[] = [];
  const backend = backendFor(clients, dataDir, events, { jobDeadlineSeconds: 1, jobRetries: 0 });
  await t.throwsAsync(() => backend.train({ iteration: 1, steps: 10 }), { message: /DeadlineExceeded/ });
});

test('leader election: a second orchestrator stays passive until the lease expires', async (t) => {
  const { sim, clients } = await startCluster();
  t.teardown(() => sim.stop());
  const options = {
    namespace: NS,
    name: 'cartridge-orchestrator',
    leaseDurationSeconds: 1,
    renewIntervalMs: 100,
    retryIntervalMs: 50,
  };
  const lost: string[] = [];
  const a = new LeaderElector(clients, {
    ...options,
    identity: 'orchestrator-a',
    onLost: (r) => lost.push(r),
  });
  const b = new LeaderElector(clients, { ...options, identity: 'orchestrator-b' });
  await a.waitForLeadership();
  t.true(a.isLeader);

  let bLeads = false;
  const bWaits = b.waitForLeadership().then(() => {
    bLeads = true;
  });
  await new Promise((r) => setTimeout(r, 1500)); // longer than the lease: A keeps renewing it
  t.false(bLeads, 'B is passive while A renews');
  t.is(sim.get('leases', NS, 'cartridge-orchestrator')!.spec!.holderIdentity, 'orchestrator-a');

  const crashedAt = Date.now();
  await a.release({ handOver: false }); // A dies without releasing
  await bWaits;
  const waited = Date.now() - crashedAt;
  t.true(waited >= 800, `B took over only after the lease expired (${waited} ms)`);
  const lease = sim.get('leases', NS, 'cartridge-orchestrator')!;
  t.is(lease.spec!.holderIdentity, 'orchestrator-b');
  t.is(lease.spec!.leaseTransitions, 1);

  // A graceful release hands over at once.
  const c = new LeaderElector(clients, { ...options, identity: 'orchestrator-c' });
  const handedAt = Date.now();
  const cWaits = c.waitForLeadership();
  await new Promise((r) => setTimeout(r, 100));
  await b.release();
  await cWaits;
  t.true(Date.now() - handedAt < 900, 'released lease is taken without waiting for expiry');
  await c.release();
  t.deepEqual(lost, []);
});

test('a stale lease write is rejected with 409 Conflict; a leader that loses the lease is told', async (t) => {
  const { sim, clients } = await startCluster();
  t.teardown(() => sim.stop());
  const lost: string[] = [];
  const a = new LeaderElector(clients, {
    namespace: NS,
    name: 'l',
    identity: 'a',
    leaseDurationSeconds: 5,
    renewIntervalMs: 50,
    onLost: (r) => lost.push(r),
  });
  await a.waitForLeadership();
  const stale = await clients.coordination.readNamespacedLease({ name: 'l', namespace: NS });
  await until(
    async () =>
      (await clients.coordination.readNamespacedLease({ name: 'l', namespace: NS })).metadata
        ?.resourceVersion !== stale.metadata?.resourceVersion,
  ); // A renewed
  const error = await t.throwsAsync(() =>
    clients.coordination.replaceNamespacedLease({
      name: 'l',
      namespace: NS,
      body: { ...stale, spec: { ...stale.spec, holderIdentity: 'intruder' } },
    }),
  );
  t.is((error as unknown as { code: number }).code, 409);
  // Someone takes the lease over with the current version (e.g. after a network partition);
  // A's renewals race with this write, so it retries on 409 like any optimistic writer.
  await takeOverLease(clients, 'l', NS, 'intruder');
  await until(() => !a.isLeader);
  t.false(a.isLeader);
  t.is(lost.length, 1);
  await a.release();
});

test('RBAC: the Role grants exactly the calls the controller makes', async (t) => {
  const { sim, clients, dataDir } = await startCluster();
  t.teardown(() => sim.stop());
  const seen: { iteration: number; actors: number; args: string[] }[] = [];
  const trainer = fakeTrainer(sim, dataDir, seen);
  sim.jobRunner = async (job) => {
    if (job.metadata.name === 'cartridge-trainer-i1-a1') throw new Error('fail once');
    await trainer(job);
  };
  const elector = new LeaderElector(clients, {
    namespace: NS,
    name: 'cartridge-orchestrator',
    identity: 'x',
    leaseDurationSeconds: 1,
    renewIntervalMs: 50,
  });
  await elector.waitForLeadership();
  const backend = backendFor(clients, dataDir, [], { keepFinishedJobs: 0 });
  for (const iteration of [1, 2]) {
    await backend.startSelfPlay({ iteration, simulations: 10, modelPath: undefined, episodes: 0 });
    await backend.stopSelfPlay();
    await backend.train({ iteration, steps: 5 });
  }
  await new Promise((r) => setTimeout(r, 120));
  await elector.release();

  const called = new Set(sim.log.map((r) => `${r.group}|${r.resource}|${r.verb}`));
  const role = renderKustomization('k8s/base').find((o) => o.kind === 'Role')!;
  const granted = new Set<string>();
  for (const rule of role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
    for (const g of rule.apiGroups)
      for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${g}|${r}|${v}`);
  }
  t.deepEqual([...called].sort(), [...granted].sort());
  t.true(
    sim.log.every((r) => r.namespace === NS),
    'every call stays in the namespace',
  );
});

test('cartridge k8s scale and status talk to the API', async (t) => {
  const { sim, server: url } = await startCluster();
  t.teardown(() => sim.stop());
  const run = promisify(execFile);
  const scaled = await run(process.execPath, [
    'bin/cartridge.js',
    'k8s',
    'scale',
    '--actors',
    '4',
    '--server',
    url,
  ]);
  t.is(scaled.stdout.trim(), 'cartridge/cartridge-actor: 0 -> 4 replicas');
  t.is(sim.get('deployments', NS, 'cartridge-actor')!.spec!.replicas, 4);
  await new Promise((r) => setTimeout(r, 50));
  const status = await run(process.execPath, ['bin/cartridge.js', 'k8s', 'status', '--server', url]);
  t.regex(status.stdout, /actors: 4\/4 ready \(deployment cartridge-actor\)/);
  t.regex(status.stdout, /trainer jobs: none/);
  t.regex(status.stdout, /leader: none/);
});
