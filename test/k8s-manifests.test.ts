// Every overlay renders (our renderer, and kubectl kustomize when installed: same objects, same
// order), validates against the Kubernetes OpenAPI models, and keeps the promises the README
// makes: namespace, non-root + read-only root FS, probes and grace period, spot/GPU placement.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import TOML from '@iarna/toml';
import test from 'ava';
import YAML from 'yaml';
import { loadConfig } from '../src/config/index.js';
import { type KubeObject, renderKustomization, validateObject, validateObjects } from '../src/k8s/index.js';
import { OrchestratorMetrics } from '../src/orchestrator/metrics.js';

const DIRS = ['k8s/base', 'k8s/overlays/kind', 'k8s/overlays/cloud'];
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

type Container = {
  name: string;
  image: string;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  resources?: { limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  ports?: { name: string; containerPort: number }[];
};
type PodSpec = {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string }[];
  terminationGracePeriodSeconds?: number;
};

function podSpec(o: KubeObject): PodSpec | undefined {
  if (o.kind === 'PodTemplate') return (o.template as { spec: PodSpec }).spec;
  return (o.spec as { template?: { spec: PodSpec } } | undefined)?.template?.spec;
}

const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

for (const dir of DIRS) {
  test(`${dir} renders and validates against the Kubernetes schemas`, (t) => {
    const objects = renderKustomization(dir);
    t.deepEqual(validateObjects(objects), []);
    for (const o of objects) {
      if (o.kind !== 'Namespace') t.is(o.metadata.namespace, 'cartridge', `${o.kind}/${o.metadata.name}`);
      const spec = podSpec(o);
      if (!spec) continue;
      t.true(spec.securityContext?.runAsNonRoot, `${o.metadata.name} runs as non-root`);
      for (const c of spec.containers) {
        t.true(
          c.securityContext?.readOnlyRootFilesystem,
          `${o.metadata.name}/${c.name} has a read-only root FS`,
        );
        t.false(c.securityContext?.allowPrivilegeEscalation, `${o.metadata.name}/${c.name}`);
      }
    }
  });

  test(`${dir}: our renderer matches kubectl kustomize`, (t) => {
    if (!hasKubectl) {
      t.log('kubectl not installed: comparing with kubectl skipped, renderer-only checks ran');
      t.pass();
      return;
    }
    const theirs = YAML.parseAllDocuments(
      execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }),
    ).map((d) => d.toJS());
    t.deepEqual(renderKustomization(dir), theirs);
  });
}

test('the validator rejects unknown fields, wrong types and missing required fields', (t) => {
  const problems = validateObject({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: {
      template: { spec: { containers: [{ name: 'a', readinesProbe: {}, env: [{ name: 'A', value: 3 }] }] } },
    },
  });
  t.true(problems.some((p) => p.includes('readinesProbe: unknown field')));
  t.true(problems.some((p) => p.includes('env[0].value: expected a string')));
  t.true(problems.some((p) => p.includes('spec.selector: required field missing')));
  t.deepEqual(validateObject({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } }), [
    'Deployment/x: unknown apiVersion/kind v1/Deployment',
  ]);
});

test('actor and orchestrator: probes and the scrape annotation on the configured metrics port', (t) => {
  const objects = renderKustomization('k8s/overlays/kind');
  const configMap = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cartridge-config-'),
  )!;
  const config = TOML.parse((configMap.data as Record<string, string>)['config.toml']!) as {
    actor: { metrics_port: number; drain_timeout_seconds: number };
    orchestrator: { metrics_port: number };
  };
  for (const [name, port] of [
    ['cartridge-actor', config.actor.metrics_port],
    ['cartridge-orchestrator', config.orchestrator.metrics_port],
  ] as const) {
    const deployment = find(objects, 'Deployment', name);
    const container = podSpec(deployment)!.containers[0]!;
    t.deepEqual(container.readinessProbe?.httpGet, { path: '/ready', port: 'metrics' }, name);
    t.deepEqual(container.livenessProbe?.httpGet, { path: '/health', port: 'metrics' }, name);
    t.true(port > 0, name);
    t.is(container.ports?.find((p) => p.name === 'metrics')?.containerPort, port, name);
    const annotations = (
      deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } }
    ).template.metadata.annotations;
    t.is(annotations?.['prometheus.io/port'], String(port), name);
  }
  const spec = podSpec(find(objects, 'Deployment', 'cartridge-actor'))!;
  t.true(spec.terminationGracePeriodSeconds! > config.actor.drain_timeout_seconds);
});

test('the actor HPA scales on metrics the orchestrator and actors really export', async (t) => {
  const hpa = find(renderKustomization('k8s/overlays/cloud'), 'HorizontalPodAutoscaler', 'cartridge-actor');
  const metrics = (hpa.spec as { metrics: { type: string; external?: { metric: { name: string } } }[] })
    .metrics;
  const external = metrics.filter((m) => m.type === 'External').map((m) => m.external!.metric.name);
  t.deepEqual(external, ['cartridge_replay_episodes_missing']);
  t.true(
    metrics.some((m) => m.type === 'Resource'),
    'CPU fallback',
  );
  const exported = (await new OrchestratorMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
  for (const name of external) t.true(exported.includes(name), name);
});

test('the config.toml and env overrides in the ConfigMaps load with the real config loader', (t) => {
  for (const overlay of ['kind', 'cloud']) {
    const objects = renderKustomization(`k8s/overlays/${overlay}`);
    const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('cartridge-env-'))!
      .data as Record<string, string>;
    const { config } = loadConfig({ configPath: 'k8s/base/config.toml', env });
    t.is(config.common.data_dir, '/data');
    t.is(config.web.host, '0.0.0.0');
    t.is(config.replay.backend, overlay === 'cloud' ? 'postgres' : 'sqlite');
    t.is(config.orchestrator.mode, 'kubernetes');
  }
});

test('kind pins every pod to one node; cloud puts actors on spot and the trainer on a GPU', (t) => {
  const kind = renderKustomization('k8s/overlays/kind');
  const pods = kind.filter((o) => podSpec(o));
  t.is(pods.length, 4);
  for (const o of pods)
    t.deepEqual(podSpec(o)!.nodeSelector, { 'cartridge.dev/node': 'main' }, o.metadata.name);
  t.deepEqual(find(kind, 'PersistentVolumeClaim', 'cartridge-data').spec, {
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'standard',
    resources: { requests: { storage: '5Gi' } },
  });
  const cluster = YAML.parse(readFileSync('k8s/kind-cluster.yaml', 'utf8'));
  t.is(cluster.kind, 'Cluster');
  t.true(
    cluster.nodes.some(
      (n: { labels?: Record<string, string> }) => n.labels?.['cartridge.dev/node'] === 'main',
    ),
  );

  const cloud = renderKustomization('k8s/overlays/cloud');
  const actor = podSpec(find(cloud, 'Deployment', 'cartridge-actor'))!;
  t.deepEqual(
    actor.tolerations?.map((x) => x.key),
    ['cloud.google.com/gke-spot', 'eks.amazonaws.com/capacityType'],
  );
  const trainer = podSpec(find(cloud, 'PodTemplate', 'cartridge-trainer'))!;
  t.is(trainer.containers[0]!.resources?.limits?.['nvidia.com/gpu'], '1');
  t.true(trainer.tolerations?.some((x) => x.key === 'nvidia.com/gpu'));
  const hpa = find(cloud, 'HorizontalPodAutoscaler', 'cartridge-actor');
  const metrics = (hpa.spec as { metrics: { type: string }[] }).metrics.map((m) => m.type);
  t.deepEqual(metrics, ['External', 'Resource']);
  const bouncer = podSpec(find(cloud, 'Deployment', 'cartridge-pgbouncer'))!.containers[0] as unknown as {
    env: { name: string; value?: string }[];
  };
  t.is(bouncer.env.find((e) => e.name === 'POOL_MODE')?.value, 'transaction');
  t.truthy(find(cloud, 'StatefulSet', 'cartridge-postgres'));
  t.truthy(find(cloud, 'Secret', 'cartridge-postgres'));
});

test('cartridge k8s render prints valid multi-document YAML; bad overlay is a usage error', (t) => {
  for (const overlay of ['kind', 'cloud']) {
    const out = execFileSync(process.execPath, ['bin/cartridge.js', 'k8s', 'render', '--overlay', overlay], {
      encoding: 'utf8',
    });
    const docs = YAML.parseAllDocuments(out);
    t.true(docs.every((d) => d.errors.length === 0));
    t.deepEqual(
      docs.map((d) => d.toJS()),
      renderKustomization(`k8s/overlays/${overlay}`),
    );
  }
  const bad = spawnSync(process.execPath, ['bin/cartridge.js', 'k8s', 'render', '--overlay', 'gke'], {
    encoding: 'utf8',
  });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--overlay must be one of kind, cloud/);
});

test('cartridge k8s up fails clearly when a tool is missing', (t) => {
  const run = spawnSync(process.execPath, ['bin/cartridge.js', 'k8s', 'up'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: '/nonexistent' },
  });
  t.is(run.status, 2);
  t.regex(run.stderr, /k8s up needs kind, docker, kubectl on PATH/);
  t.regex(run.stderr, /kubectl --context kind-cartridge apply -k k8s\/overlays\/kind/);
});
