// `cartridge orchestrate --mode kubernetes` against the in-process Kubernetes API simulator, seeded
// with the rendered Kind overlay. The simulated cluster runs what the manifests say: when the actor
// Deployment is scaled above 0 a "pod" runs the Deployment's container args (`cartridge actor
// --forever`) as a child process writing to the shared SQLite buffer, and SIGTERMs it on scale-down;
// a trainer Job's pod runs the Job's container args (`cartridge trainer --iteration i --steps s`,
// the real Python trainer). So one iteration really self-plays, trains, publishes, evaluates and
// promotes best.onnx, while the orchestrator only talks to the API.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createKubeClients, type KubeClients, renderKustomization } from '../src/k8s/index.js';
import { KubeSimulator, type Obj, takeOverLease } from './helpers/k8s-simulator.js';
import { type CliProcess, cartridge, until } from './helpers/orchestrate-cli.js';

const NS = 'cartridge';
const ACTOR = 'cartridge-actor';
const LEASE = 'cartridge-orchestrator';

interface Cluster {
  sim: KubeSimulator;
  clients: KubeClients;
  server: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The orchestrator Deployment's container args (what the pod runs). */
  orchestratorArgs: string[];
}

async function startCluster(env: NodeJS.ProcessEnv = {}): Promise<Cluster> {
  const sim = new KubeSimulator();
  const server = await sim.start();
  let orchestratorArgs: string[] = [];
  // What `kubectl apply -k k8s/overlays/kind` would have created.
  for (const o of renderKustomization('k8s/overlays/kind')) {
    if (o.kind === 'Deployment') sim.put('deployments', NS, o as unknown as Obj);
    if (o.kind === 'PodTemplate') sim.put('podtemplates', NS, o as unknown as Obj);
    if (o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'cartridge-orchestrator')
      orchestratorArgs = containerArgs(o as unknown as Obj);
  }
  // The shared volume (/data in the pods) is one temp folder for every process here.
  const dataDir = mkdtempSync(join(tmpdir(), 'cartridge-orchestrate-k8s-'));
  mkdirSync(join(dataDir, 'models'));
  return {
    sim,
    clients: createKubeClients({ server }),
    server,
    dataDir,
    orchestratorArgs,
    env: {
      CARTRIDGE_COMMON_DATA_DIR: dataDir,
      CARTRIDGE_TRAINING_ITERATIONS: '1',
      CARTRIDGE_TRAINING_EPISODES_PER_ITERATION: '10',
      CARTRIDGE_TRAINING_STEPS_PER_ITERATION: '10',
      CARTRIDGE_MCTS_NUM_SIMULATIONS: '8',
      CARTRIDGE_EVALUATION_GAMES: '2',
      CARTRIDGE_EVALUATION_RANDOM_GAMES: '2',
      CARTRIDGE_EVALUATION_SIMULATIONS: '4',
      CARTRIDGE_ACTOR_GAMES_PER_WORKER: '8',
      CARTRIDGE_ACTOR_WORKERS: '1',
      CARTRIDGE_ACTOR_METRICS_PORT: '0',
      CARTRIDGE_KUBERNETES_LEASE_DURATION_SECONDS: '2',
      ...env,
    },
  };
}

function containerEnv(o: Obj): Record<string, string> {
  const spec = o.spec as {
    template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } };
  };
  const env = spec.template.spec.containers[0]!.env ?? [];
  return Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

function containerArgs(o: Obj): string[] {
  const spec = o.spec as { template: { spec: { containers: { args?: string[] }[] } } };
  return spec.template.spec.containers[0]!.args ?? [];
}

function replicas(sim: KubeSimulator): number {
  return Number(sim.get('deployments', NS, ACTOR)?.spec?.replicas ?? 0);
}

function leaseHolder(sim: KubeSimulator): string | undefined {
  return sim.get('leases', NS, LEASE)?.spec?.holderIdentity as string | undefined;
}

/**
 * A kubelet for the actor Deployment: one actor pod (a `cartridge` child process running the
 * Deployment's args) while replicas > 0, SIGTERM (drain) when scaled to 0.
 */
function runActorPods(cluster: Cluster) {
  const pods: {
    args: string[];
    env: Record<string, string>;
    exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  }[] = [];
  let pod: CliProcess | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const wanted = replicas(cluster.sim);
      if (wanted > 0 && !pod) {
        const deployment = cluster.sim.get('deployments', NS, ACTOR)!;
        const args = containerArgs(deployment);
        const env = containerEnv(deployment);
        const record = {
          args,
          env,
          exit: null as null | { code: number | null; signal: NodeJS.Signals | null },
        };
        pods.push(record);
        // The container's own env entries win over the rest, as in a pod.
        pod = cartridge(args, { ...cluster.env, ...env });
        void pod.exited.then((exit) => {
          record.exit = exit;
        });
      } else if (wanted === 0 && pod) {
        pod.child.kill('SIGTERM');
        await pod.exited;
        pod = undefined;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (pod) {
      pod.child.kill('SIGTERM');
      await pod.exited;
    }
  })();
  return {
    pods,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Trainer Job pods run the Job's container args; the actor replicas at that moment are recorded. */
function runTrainerJobs(cluster: Cluster) {
  const jobs: { name: string; args: string[]; actorReplicas: number; stderr: string }[] = [];
  cluster.sim.jobRunner = async (job, { signal }) => {
    const args = containerArgs(job);
    const record = { name: job.metadata.name, args, actorReplicas: replicas(cluster.sim), stderr: '' };
    jobs.push(record);
    const pod = cartridge(args, cluster.env);
    const kill = () => pod.child.kill('SIGTERM');
    signal.addEventListener('abort', kill, { once: true });
    const { code } = await pod.exited;
    signal.removeEventListener('abort', kill);
    record.stderr = pod.stderr();
    if (code !== 0) throw new Error(`trainer pod exited with ${code}: ${pod.stderr().slice(-2000)}`);
  };
  return jobs;
}

type Metrics = Record<string, number>;

/** One scrape of a /metrics endpoint as name{labels} → value, or undefined while it does not answer. */
async function scrape(port: number): Promise<Metrics | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!response.ok) return undefined;
    const metrics: Metrics = {};
    for (const line of (await response.text()).split('\n')) {
      const match = /^(\S+) (\S+)$/.exec(line);
      if (match && !line.startsWith('#')) metrics[match[1]!] = Number(match[2]);
    }
    return metrics;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function orchestrator(cluster: Cluster, identity: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  return cartridge([...cluster.orchestratorArgs, '--server', cluster.server], {
    ...cluster.env,
    POD_NAME: identity,
    ...env,
  });
}

test('the manifests run commands that exist: orchestrate --mode kubernetes, actor --forever', async (t) => {
  const { sim, orchestratorArgs } = await startCluster();
  t.teardown(() => sim.stop());
  t.deepEqual(orchestratorArgs, ['orchestrate', '--mode', 'kubernetes']);
  t.deepEqual(containerArgs(sim.get('deployments', NS, ACTOR)!), ['actor', '--forever']);
});

test('kubernetes mode: one full iteration on the simulated cluster; a second orchestrator waits for the lease', async (t) => {
  const cluster = await startCluster();
  const { sim, dataDir } = cluster;
  const actors = runActorPods(cluster);
  const jobs = runTrainerJobs(cluster);
  t.teardown(async () => {
    await actors.stop();
    await sim.stop();
  });

  const [portA, portB] = [await freePort(), await freePort()];
  const a = orchestrator(cluster, 'orchestrator-a', { CARTRIDGE_ORCHESTRATOR_METRICS_PORT: String(portA) });
  await until(() => leaseHolder(sim) === 'orchestrator-a', 60_000, 'orchestrator-a to take the lease');
  const b = orchestrator(cluster, 'orchestrator-b', { CARTRIDGE_ORCHESTRATOR_METRICS_PORT: String(portB) });
  t.teardown(() => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  });
  // While A works, B stays passive: the lease never changes hands and B touches nothing.
  const holders: string[] = [];
  const scrapes: Metrics[] = [];
  let aDone = false;
  const watch = (async () => {
    while (!aDone) {
      const holder = leaseHolder(sim) ?? '';
      if (holders.at(-1) !== holder) holders.push(holder);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // What the actor HPA's metrics adapter would read from A's /metrics during the iteration.
  const scrapeA = (async () => {
    while (!aDone) {
      const m = await scrape(portA);
      if (m) scrapes.push(m);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await until(async () => (await scrape(portB)) !== undefined, 30_000, 'orchestrator-b to serve /metrics');
  const standby = (await scrape(portB))!;
  t.is(standby.cartridge_orchestrator_leader, 0, 'the standby says it is not leading');
  t.is((await fetch(`http://127.0.0.1:${portB}/ready`)).status, 200, 'a standby is ready (rolling updates)');
  const aExit = await a.exited;
  aDone = true;
  await Promise.all([watch, scrapeA]);
  t.is(aExit.code, 0, a.stderr());
  const phaseOf = (m: Metrics) =>
    ['selfplay', 'train', 'evaluate'].find((p) => m[`cartridge_orchestrator_phase{phase="${p}"}`] === 1);
  const selfPlay = scrapes.filter((m) => phaseOf(m) === 'selfplay');
  const training = scrapes.filter((m) => phaseOf(m) === 'train');
  t.true(selfPlay.length > 0 && training.length > 0, `scraped ${scrapes.length} times`);
  t.true(
    selfPlay.some(
      (m) => m.cartridge_replay_episodes_missing! > 0 && m.cartridge_replay_episodes_missing! <= 10,
    ),
    'episodes missing during self-play',
  );
  t.true(
    training.every((m) => m.cartridge_replay_episodes_missing === 0),
    'none missing while training',
  );
  // Scrapes from before the loop's first phase (A just took the lease) carry no phase yet.
  t.true(
    scrapes
      .filter((m) => phaseOf(m) !== undefined)
      .every((m) => m.cartridge_orchestrator_leader === 1 && m.cartridge_orchestrator_iteration === 1),
  );
  // A held the lease throughout and cleared it on the way out (B may already have taken it by now).
  t.deepEqual(holders.slice(0, 2), ['orchestrator-a', '']);
  t.regex(b.stderr(), /waiting for the lease/);

  // The iteration: actors up, actors at 0 while the trainer Job ran, model published, evaluated, promoted.
  t.regex(a.stdout(), /Training summary \(tictactoe\)/);
  const state = JSON.parse(readFileSync(join(dataDir, 'loop_state.json'), 'utf8'));
  t.is(state.history.length, 1);
  const record = state.history[0];
  t.true(record.episodes >= 10, `episodes counted from the replay store: ${record.episodes}`);
  t.is(record.step, 10, 'the trainer Job trained 10 steps');
  t.truthy(record.vs_random, 'evaluation ran');
  t.true(record.promoted);
  t.true(existsSync(join(dataDir, 'models', 'best.onnx')));
  t.is(state.best_model, record.model_version);
  t.is(JSON.parse(readFileSync(join(dataDir, 'stats.json'), 'utf8')).iteration, 1, 'stats.json from the Job');

  t.deepEqual(
    jobs.map((j) => [j.name, j.args, j.actorReplicas]),
    [['cartridge-trainer-i1-a1', ['trainer', '--iteration', '1', '--steps', '10'], 0]],
  );
  t.deepEqual(
    sim.scaleHistory.filter((s) => s.name === ACTOR).map((s) => s.replicas),
    [2, 0],
    'scaled to kubernetes.actor_replicas for self-play, to 0 for training (and no other change)',
  );
  await until(() => actors.pods.every((p) => p.exit !== null), 30_000, 'the actor pod to drain');
  t.is(actors.pods.length, 1);
  t.deepEqual(actors.pods[0]!.args, ['actor', '--forever']);
  t.is(
    actors.pods[0]!.env.CARTRIDGE_MCTS_NUM_SIMULATIONS,
    '8',
    "the iteration's simulations, set by the orchestrator",
  );
  t.is(actors.pods[0]!.exit!.code, 0, 'the actor drained on SIGTERM');

  // A released the lease on exit, so B takes it at once, finds the run complete and exits.
  const bExit = await b.exited;
  t.is(bExit.code, 0, b.stderr());
  t.regex(b.stderr(), /leading/);
  t.is(JSON.parse(readFileSync(join(dataDir, 'loop_state.json'), 'utf8')).history.length, 1);
  t.is(jobs.length, 1, 'B did not train again');
  t.is(leaseHolder(sim), '', 'B released the lease too');
});

test('kubernetes mode: SIGTERM stops and releases the lease; a leader that loses the lease exits non-zero', async (t) => {
  // No actor pods run: the loop stays in self-play waiting for episodes.
  const cluster = await startCluster({ CARTRIDGE_TRAINING_EPISODES_PER_ITERATION: '1000' });
  const { sim, clients } = cluster;
  t.teardown(() => sim.stop());

  const a = orchestrator(cluster, 'orchestrator-a');
  t.teardown(() => a.child.kill('SIGKILL'));
  await until(() => replicas(sim) === 2, 60_000, 'A to scale the actors up');
  t.is(leaseHolder(sim), 'orchestrator-a');
  a.child.kill('SIGTERM');
  const aExit = await a.exited;
  t.is(aExit.code, 0, a.stderr());
  t.is(replicas(sim), 0, 'actors scaled down on the way out');
  t.is(leaseHolder(sim), '', 'lease released for a standby');

  // The mode can come from the environment alone (CARTRIDGE_ORCHESTRATOR_MODE), as in a ConfigMap.
  const c = cartridge(['orchestrate', '--server', cluster.server], {
    ...cluster.env,
    POD_NAME: 'orchestrator-c',
    CARTRIDGE_ORCHESTRATOR_MODE: 'kubernetes',
  });
  t.teardown(() => c.child.kill('SIGKILL'));
  await until(() => replicas(sim) === 2, 60_000, 'C to scale the actors up');
  t.is(leaseHolder(sim), 'orchestrator-c');
  // Someone else takes the lease over (e.g. after a partition); retry on 409 as C renews concurrently.
  await takeOverLease(clients, LEASE, NS, 'intruder');
  const cExit = await c.exited;
  t.is(cExit.code, 3, c.stderr());
  t.regex(c.stderr(), /lost the orchestrator lease/);
  t.is(leaseHolder(sim), 'intruder', 'the new holder keeps the lease');
  t.is(replicas(sim), 2, 'C left the actors to the new leader');
});
