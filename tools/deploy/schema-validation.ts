// Validates rendered objects against the Kubernetes OpenAPI schemas packaged on npm (kubernetes-models
// for built-in kinds, @kubernetes-models/keda for KEDA, @kubernetes-models/cert-manager for cert-manager's
// Issuer and Certificate, @kubernetes-models/prometheus-operator for ServiceMonitor and PrometheusRule). The
// RabbitMQ and CloudNativePG operators' CRD schemas are not packaged, so those kinds get the structural checks below instead.
import type { K8sObject } from './kustomize-render.js';

interface Model {
  validate(): void;
}
type ModelClass = new (data: K8sObject) => Model;

const packagedGroups: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

async function modelFor(object: K8sObject): Promise<ModelClass | undefined> {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const packageName = packagedGroups[group] ?? (group === '' || group.endsWith('k8s.io') || !group.includes('.') ? 'kubernetes-models' : undefined);
  if (!packageName) return undefined;
  try {
    const module = (await import(`${packageName}/${object.apiVersion}/${object.kind}`)) as Record<string, ModelClass>;
    return module[object.kind];
  } catch {
    return undefined;
  }
}

/** Required fields of the operator kinds we use, as the operators' CRDs declare them. */
const unpackagedKinds: Record<string, (object: K8sObject) => string[]> = {
  'rabbitmq.com/v1beta1 RabbitmqCluster': (object) => [
    ...requireType(object, 'spec.replicas', 'number'),
    ...requireType(object, 'spec.image', 'string'),
    ...requireType(object, 'spec.persistence.storage', 'string'),
    ...requireType(object, 'spec.rabbitmq.additionalConfig', 'string'),
    ...optionalType(object, 'spec.tls.secretName', 'string'),
    ...optionalType(object, 'spec.tls.caSecretName', 'string'),
    ...optionalType(object, 'spec.tls.disableNonTLSListeners', 'boolean'),
  ],
  'postgresql.cnpg.io/v1 Cluster': (object) => [
    ...requireType(object, 'spec.instances', 'number'),
    ...requireType(object, 'spec.imageName', 'string'),
    ...requireType(object, 'spec.storage.size', 'string'),
    ...optionalType(object, 'spec.certificates.serverTLSSecret', 'string'),
    ...optionalType(object, 'spec.certificates.serverCASecret', 'string'),
    ...(valueAt(object, 'spec.postgresql.pg_hba') === undefined || (Array.isArray(valueAt(object, 'spec.postgresql.pg_hba')) && (valueAt(object, 'spec.postgresql.pg_hba') as unknown[]).every((line) => typeof line === 'string'))
      ? []
      : ['spec.postgresql.pg_hba must be a list of strings']),
  ],
  'postgresql.cnpg.io/v1 Database': (object) => [
    ...requireType(object, 'spec.name', 'string'),
    ...requireType(object, 'spec.owner', 'string'),
    ...requireType(object, 'spec.cluster.name', 'string'),
  ],
};

const valueAt = (object: K8sObject, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);

function requireType(object: K8sObject, path: string, type: 'string' | 'number' | 'boolean'): string[] {
  const value = valueAt(object, path);
  return typeof value === type ? [] : [`${path} must be a ${type}, is ${JSON.stringify(value)}`];
}

function optionalType(object: K8sObject, path: string, type: 'string' | 'number' | 'boolean'): string[] {
  return valueAt(object, path) === undefined ? [] : requireType(object, path, type);
}

/** Problems with one object; empty when it is valid. An unknown kind is a problem, not a pass. */
export async function schemaProblems(object: K8sObject): Promise<string[]> {
  const model = await modelFor(object);
  if (model) {
    try {
      new model(object).validate();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  }
  const structural = unpackagedKinds[`${object.apiVersion} ${object.kind}`];
  if (!structural) return [`no schema for ${object.apiVersion} ${object.kind}: add its models or a structural check`];
  return structural(object);
}
