// A small kustomize renderer for the features k8s/ uses, so `cartridge k8s render` works without
// kubectl: resources (files and directories), namespace, labels, configMapGenerator (files,
// literals, behavior merge/replace, hash suffix + name references), strategic-merge patches
// (by name or target selector) and images. test/k8s-manifests.test.ts compares its output with
// `kubectl kustomize` where kubectl is installed. Anything else in a kustomization is rejected.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import YAML from 'yaml';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Generated {
  /** Name before the hash suffix, used to rewrite references. */
  baseName: string;
  kind: 'ConfigMap';
}

interface Resource {
  object: KubeObject;
  generated?: Generated;
}

interface GeneratorSpec {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  files?: string[];
  literals?: string[];
}

interface PatchSpec {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string; labelSelector?: string };
}

const SUPPORTED_KEYS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'labels',
  'resources',
  'configMapGenerator',
  'patches',
  'images',
]);

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'PriorityClass',
]);

export class KustomizeError extends Error {
  override name = 'KustomizeError';
}

/** Renders the kustomization in `dir` to a list of objects in kustomize's (legacy) output order. */
export function renderKustomization(dir: string): KubeObject[] {
  const resources = build(resolve(dir));
  finalizeGeneratedNames(resources);
  return sortLegacy(resources.map((r) => r.object));
}

/** Multi-document YAML as `kubectl kustomize` prints it. */
export function toMultiDocYaml(objects: KubeObject[]): string {
  return objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
}

function build(dir: string): Resource[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((f) => join(dir, f))
    .find((f) => existsSync(f));
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED_KEYS.has(key))
      throw new KustomizeError(`${file}: field "${key}" is not supported by this renderer`);
  }

  const resources: Resource[] = [];
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) resources.push(...build(path));
    else resources.push(...readObjects(path).map((object) => ({ object })));
  }

  for (const gen of (k.configMapGenerator as GeneratorSpec[] | undefined) ?? []) {
    applyGenerator(dir, gen, resources);
  }

  for (const spec of (k.patches as PatchSpec[] | undefined) ?? []) {
    const text = spec.path ? readFileSync(resolve(dir, spec.path), 'utf8') : spec.patch;
    if (!text) throw new KustomizeError(`${file}: a patch needs path or patch`);
    for (const patch of YAML.parseAllDocuments(text).map((d) => d.toJS() as KubeObject)) {
      if (Array.isArray(patch)) throw new KustomizeError(`${file}: JSON6902 patches are not supported`);
      const targets = resources.filter((r) => matchesPatchTarget(r, patch, spec.target));
      if (targets.length === 0)
        throw new KustomizeError(`${file}: patch ${spec.path ?? ''} matches no resource`);
      for (const r of targets) {
        const keep = { name: r.object.metadata.name, kind: r.object.kind, apiVersion: r.object.apiVersion };
        r.object = strategicMerge(r.object as unknown as Json, patch as unknown as Json, '') as KubeObject;
        Object.assign(r.object, { kind: keep.kind, apiVersion: keep.apiVersion });
        r.object.metadata.name = keep.name;
      }
    }
  }

  if (typeof k.namespace === 'string') {
    for (const r of resources) {
      if (!CLUSTER_SCOPED.has(r.object.kind)) r.object.metadata.namespace = k.namespace;
    }
  }

  for (const entry of (k.labels as { pairs: Record<string, string> }[] | undefined) ?? []) {
    if (Object.keys(entry).some((key) => key !== 'pairs')) {
      throw new KustomizeError(`${file}: only labels[].pairs is supported (metadata labels)`);
    }
    for (const r of resources)
      r.object.metadata.labels = { ...(r.object.metadata.labels ?? {}), ...entry.pairs };
  }

  for (const image of (k.images as ImageSpec[] | undefined) ?? []) {
    for (const r of resources) rewriteImages(r.object as unknown as Json, image, false);
  }
  return resources;
}

function readObjects(path: string): KubeObject[] {
  return YAML.parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function applyGenerator(dir: string, gen: GeneratorSpec, resources: Resource[]): void {
  const data: Record<string, string> = {};
  for (const f of gen.files ?? []) data[basename(f)] = readFileSync(resolve(dir, f), 'utf8');
  for (const literal of gen.literals ?? []) {
    const eq = literal.indexOf('=');
    if (eq <= 0)
      throw new KustomizeError(`configMapGenerator ${gen.name}: literal "${literal}" is not KEY=VALUE`);
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  const behavior = gen.behavior ?? 'create';
  const existing = resources.find((r) => r.generated?.baseName === gen.name);
  if (behavior === 'create') {
    if (existing)
      throw new KustomizeError(`configMapGenerator ${gen.name} already exists (use behavior: merge)`);
    resources.push({
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data },
      generated: { baseName: gen.name, kind: 'ConfigMap' },
    });
    return;
  }
  if (!existing)
    throw new KustomizeError(`configMapGenerator ${gen.name}: behavior ${behavior} needs a base generator`);
  existing.object.data =
    behavior === 'merge' ? { ...((existing.object.data as Record<string, string>) ?? {}), ...data } : data;
}

function matchesPatchTarget(r: Resource, patch: KubeObject, target: PatchSpec['target']): boolean {
  const o = r.object;
  const name = r.generated?.baseName ?? o.metadata.name;
  if (!target) return o.kind === patch.kind && name === patch.metadata?.name;
  if (target.kind && target.kind !== o.kind) return false;
  if (target.name && !new RegExp(`^(?:${target.name})$`).test(name)) return false;
  if (target.labelSelector) {
    for (const term of target.labelSelector.split(',')) {
      const [key, value] = term.split('=').map((s) => s.trim());
      if (o.metadata.labels?.[key!] !== value) return false;
    }
  }
  return true;
}

/** List fields merged element-wise by a key (from the Kubernetes patchMergeKey annotations). */
function mergeKeyFor(field: string, items: Json[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'ports': {
      const first = items[0];
      return first && typeof first === 'object' && !Array.isArray(first) && 'containerPort' in first
        ? 'containerPort'
        : 'port';
    }
    default:
      return undefined;
  }
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strategic merge: maps merge recursively, keyed lists merge by key, other lists replace, null deletes. */
export function strategicMerge(target: Json, patch: Json, field: string): Json {
  if (isObject(target) && isObject(patch)) {
    const out: JsonObject = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in out ? strategicMerge(out[key]!, value, key) : value;
    }
    return out;
  }
  if (Array.isArray(target) && Array.isArray(patch)) {
    const key = mergeKeyFor(field, [...patch, ...target]);
    if (!key) return patch;
    const out = [...target];
    for (const item of patch) {
      const index = isObject(item) ? out.findIndex((t) => isObject(t) && t[key] === item[key]) : -1;
      if (index >= 0) out[index] = strategicMerge(out[index]!, item, '');
      else out.push(item);
    }
    return out;
  }
  return patch;
}

interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** Rewrites `image` in every containers/initContainers list, wherever it sits (Deployment, PodTemplate, ...). */
function rewriteImages(node: Json, spec: ImageSpec, inContainers: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteImages(item, spec, inContainers);
    return;
  }
  if (!isObject(node)) return;
  if (inContainers && typeof node.image === 'string') {
    const { name, tag, digest } = parseImage(node.image);
    if (name === spec.name) {
      let image = spec.newName ?? name;
      if (spec.digest) image += `@${spec.digest}`;
      else if (spec.newTag) image += `:${spec.newTag}`;
      else if (digest) image += `@${digest}`;
      else if (tag) image += `:${tag}`;
      node.image = image;
    }
  }
  for (const [key, value] of Object.entries(node)) {
    rewriteImages(value, spec, key === 'containers' || key === 'initContainers');
  }
}

function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), digest: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { name: image };
}

/** Appends kustomize's content hash to generated ConfigMaps and rewrites the references to them. */
function finalizeGeneratedNames(resources: Resource[]): void {
  const renamed = new Map<string, string>();
  for (const r of resources) {
    if (!r.generated) continue;
    const name = `${r.generated.baseName}-${configMapHash(r.object.data as Record<string, string>)}`;
    renamed.set(r.generated.baseName, name);
    r.object.metadata.name = name;
  }
  for (const r of resources) rewriteConfigMapRefs(r.object as unknown as Json, renamed, '');
}

function rewriteConfigMapRefs(node: Json, renamed: Map<string, string>, field: string): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteConfigMapRefs(item, renamed, field);
    return;
  }
  if (!isObject(node)) return;
  if (
    (field === 'configMap' || field === 'configMapRef' || field === 'configMapKeyRef') &&
    typeof node.name === 'string'
  ) {
    node.name = renamed.get(node.name) ?? node.name;
  }
  for (const [key, value] of Object.entries(node)) rewriteConfigMapRefs(value, renamed, key);
}

/**
 * kustomize's ConfigMap hash (api/hasher): sha256 of Go's json.Marshal of {data, kind, name}
 * (sorted keys, HTML characters escaped), first 10 hex digits with 0,1,3,a,e remapped. The name
 * is empty there (kustomize hashes the generated object before naming it), checked against kubectl.
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex].map((c) => map[c] ?? c).join('');
}

// kustomize's legacy resource order (api/resid/gvk.go): these kinds first, webhooks last,
// everything else in between by group_version_kind, then namespace and name.
const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function kindOrder(kind: string): number {
  const first = ORDER_FIRST.indexOf(kind);
  if (first >= 0) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last >= 0 ? last + 1 : 0;
}

function gvkString(o: KubeObject): string {
  const slash = o.apiVersion.indexOf('/');
  const group = slash >= 0 ? o.apiVersion.slice(0, slash) : '~G';
  const version = slash >= 0 ? o.apiVersion.slice(slash + 1) : o.apiVersion;
  return `${group}_${version}_${o.kind}`;
}

function sortLegacy(objects: KubeObject[]): KubeObject[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...objects].sort(
    (a, b) =>
      kindOrder(a.kind) - kindOrder(b.kind) ||
      cmp(gvkString(a), gvkString(b)) ||
      cmp(a.metadata.namespace ?? '~X', b.metadata.namespace ?? '~X') ||
      cmp(a.metadata.name, b.metadata.name),
  );
}
