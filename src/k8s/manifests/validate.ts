// Offline schema check for rendered manifests against the Kubernetes OpenAPI models that ship
// with @kubernetes/client-node (generated from the v1.34 spec): every field must exist in the
// model (attributeTypeMap), have the right JSON type, and required fields (non-optional in the
// generated declarations) must be present. Catches typos such as `readinesProbe` or a number
// where the API wants a string (env values, quantities).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

/** apiVersion/kind pairs Cartridge renders (and a few neighbours), mapped to their model class. */
const MODELS: Record<string, string> = {
  'v1/Namespace': 'V1Namespace',
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Secret': 'V1Secret',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/PersistentVolumeClaim': 'V1PersistentVolumeClaim',
  'v1/PodTemplate': 'V1PodTemplate',
  'v1/Pod': 'V1Pod',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/StatefulSet': 'V1StatefulSet',
  'apps/v1/DaemonSet': 'V1DaemonSet',
  'batch/v1/Job': 'V1Job',
  'batch/v1/CronJob': 'V1CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'coordination.k8s.io/v1/Lease': 'V1Lease',
  'networking.k8s.io/v1/Ingress': 'V1Ingress',
};

type AttributeMap = { name: string; baseName: string; type: string; format: string }[];

const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')),
  'gen',
  'models',
);
const requiredCache = new Map<string, Set<string>>();

/** Required properties of a model: the ones declared without `?` in its generated .d.ts. */
function requiredFields(model: string): Set<string> {
  let required = requiredCache.get(model);
  if (!required) {
    const dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
    required = new Set([...dts.matchAll(/^ {4}'([A-Za-z0-9_$]+)': /gm)].map((m) => m[1]!));
    requiredCache.set(model, required);
  }
  return required;
}

function attributeMap(model: string): AttributeMap | undefined {
  const cls = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => AttributeMap }>)[model];
  return cls?.getAttributeTypeMap?.();
}

/** Problems with one object, each as "<kind>/<name>: <path>: <what>"; empty when it is valid. */
export function validateObject(object: Record<string, unknown>): string[] {
  const apiVersion = String(object.apiVersion ?? '');
  const kind = String(object.kind ?? '');
  const name = String((object.metadata as { name?: unknown } | undefined)?.name ?? '?');
  const model = MODELS[`${apiVersion}/${kind}`];
  if (!model) return [`${kind}/${name}: unknown apiVersion/kind ${apiVersion}/${kind}`];
  const problems: string[] = [];
  checkValue(object, model, kind, (path, what) => problems.push(`${kind}/${name}: ${path}: ${what}`));
  if (!name || name === '?') problems.push(`${kind}/?: metadata.name is required`);
  return problems;
}

/** Validates a whole rendered set; returns all problems. */
export function validateObjects(objects: Record<string, unknown>[]): string[] {
  return objects.flatMap((o) => validateObject(o));
}

function checkValue(
  value: unknown,
  type: string,
  path: string,
  report: (path: string, what: string) => void,
): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) {
      report(path, `expected a list, got ${typeof value}`);
      return;
    }
    for (const [i, item] of value.entries()) checkValue(item, array[1]!, `${path}[${i}]`, report);
    return;
  }
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      report(path, `expected a map, got ${typeof value}`);
      return;
    }
    for (const [key, item] of Object.entries(value)) checkValue(item, map[1]!, `${path}.${key}`, report);
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') report(path, `expected a string, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') report(path, `expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') report(path, `expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'Date':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) report(path, 'expected a timestamp');
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && typeof value !== 'number') report(path, 'expected an int or a string');
      return;
    case 'any':
    case 'object':
      return;
  }
  const attributes = attributeMap(type);
  if (!attributes) {
    report(path, `no schema for type ${type}`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    report(path, `expected an object (${type})`);
    return;
  }
  const known = new Map(attributes.map((a) => [a.baseName, a]));
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const attribute = known.get(key);
    if (!attribute) report(`${path}.${key}`, `unknown field (not in ${type})`);
    else checkValue(item, attribute.type, `${path}.${key}`, report);
  }
  for (const field of requiredFields(type)) {
    const baseName = attributes.find((a) => a.name === field)?.baseName ?? field;
    if ((value as Record<string, unknown>)[baseName] === undefined)
      report(`${path}.${baseName}`, 'required field missing');
  }
}
