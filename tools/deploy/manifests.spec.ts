// Offline validation of k8s/: every overlay and every per-service path is rendered with
// `kubectl kustomize`, every object is schema-checked, and the deployment policies hold.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from './image-contents.mjs';
import {
  databaseServices,
  environments,
  findKubectl,
  idOf,
  type K8sObject,
  renderAll,
  renderedPaths,
  services,
} from './kustomize-render.js';
import { schemaProblems } from './schema-validation.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod specs are rendered YAML
type PodSpec = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = any;

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const credentialName = /PASSWORD|SECRET|TOKEN|_KEY$|^DATABASE_URL$|^MIGRATION_DATABASE_URL$|^RABBITMQ_URL$|^SMTP_URL$|^REDIS_URL$/;
const urlWithCredentials = /:\/\/[^/\s:@]+:[^/\s@]+@/;

let rendered = new Map<string, K8sObject[]>();
let renderError: Error | undefined;

// A failure here (no kubectl, a broken kustomization) fails every test with its message: nothing is skipped.
beforeAll(async () => {
  try {
    rendered = await renderAll(await findKubectl(), renderedPaths());
  } catch (error) {
    renderError = error as Error;
  }
}, 60_000);

const objectsOf = (path: string): K8sObject[] => {
  if (renderError) throw renderError;
  const objects = rendered.get(path);
  if (!objects) throw new Error(`${path} was not rendered`);
  return objects;
};
const everyObject = (): [string, K8sObject][] =>
  renderedPaths().flatMap((path) => objectsOf(path).map((object): [string, K8sObject] => [path, object]));
const workloads = (): [string, K8sObject][] => everyObject().filter(([, object]) => workloadKinds.has(object.kind));
const deployments = (): [string, K8sObject][] => everyObject().filter(([, object]) => object.kind === 'Deployment');
const theOne = (objects: K8sObject[], kind: string): K8sObject => {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
};
const podSpecOf = (workload: K8sObject): PodSpec => workload.spec.template.spec;
const containersOf = (pod: PodSpec): Container[] => [...(pod.initContainers ?? []), ...pod.containers];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> = {}): boolean =>
  selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);
const plinthServiceDeployments = (): [string, K8sObject][] =>
  deployments().filter(([, object]) => services.includes(object.metadata.labels?.['app.kubernetes.io/name'] ?? ''));

/** Collects a message per violation so one failure lists every offending object. */
function violations(check: (path: string, object: K8sObject) => string[], of: () => [string, K8sObject][]): string[] {
  return of().flatMap(([path, object]) => check(path, object).map((problem) => `${path}: ${idOf(object)}: ${problem}`));
}

describe('kustomize rendering', () => {
  it('renders every overlay and every per-service path to a non-empty set of objects', () => {
    expect(renderedPaths().filter((path) => objectsOf(path).length === 0)).toEqual([]);
  });

  it.each(environments)('%s: the whole overlay is exactly its infra plus each service path', (environment) => {
    const ids = (path: string) => objectsOf(path).map(idOf).sort();
    const parts = [`k8s/overlays/${environment}/infra`, ...services.map((service) => `k8s/overlays/${environment}/${service}`)];
    expect(ids(`k8s/overlays/${environment}`)).toEqual(parts.flatMap(ids).sort());
  });

  it.each(environments.flatMap((environment) => services.map((service) => [environment, service])))(
    '%s/%s renders only that service\'s objects, and all of them',
    (environment, service) => {
      const objects = objectsOf(`k8s/overlays/${environment}/${service}`);
      expect(objects.filter((object) => object.metadata.labels?.['app.kubernetes.io/name'] !== service).map(idOf)).toEqual([]);
      const kinds = new Set(objects.map((object) => object.kind));
      const expected = ['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor'];
      expect(expected.filter((kind) => !kinds.has(kind))).toEqual([]);
      expect(kinds.has('PrometheusRule')).toBe(existsSync(join(workspaceRoot, 'k8s/base', service, 'slo.yaml')));
      expect(kinds.has('HorizontalPodAutoscaler') || kinds.has('ScaledObject')).toBe(true);
      expect(kinds.has('Job')).toBe(databaseServices.includes(service));
      expect(new Set(objects.map((object) => object.metadata.namespace))).toEqual(new Set([environment === 'prod' ? 'plinth' : 'plinth-dev']));
    },
  );
});

describe('schemas', () => {
  it('every rendered object is valid against its Kubernetes (or operator) schema', async () => {
    const problems = await Promise.all(
      everyObject().map(async ([path, object]) => (await schemaProblems(object)).map((problem) => `${path}: ${idOf(object)}: ${problem}`)),
    );
    expect(problems.flat()).toEqual([]);
  });
});

describe('workload policy', () => {
  it('every pod runs as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile', () => {
    const problems = violations((_, workload) => {
      const pod = podSpecOf(workload);
      return containersOf(pod).flatMap((container) => {
        const security = container.securityContext ?? {};
        const seccomp = security.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
        return [
          (security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true ? '' : `${container.name}: runAsNonRoot not true`,
          (security.runAsUser ?? pod.securityContext?.runAsUser ?? 0) > 0 ? '' : `${container.name}: runAsUser not a non-zero uid`,
          security.readOnlyRootFilesystem === true ? '' : `${container.name}: readOnlyRootFilesystem not true`,
          security.allowPrivilegeEscalation === false ? '' : `${container.name}: allowPrivilegeEscalation not false`,
          security.privileged === true ? `${container.name}: privileged` : '',
          JSON.stringify(security.capabilities?.drop) === '["ALL"]' && !security.capabilities?.add ? '' : `${container.name}: capabilities must drop ALL and add none`,
          seccomp === 'RuntimeDefault' ? '' : `${container.name}: seccomp profile ${seccomp} instead of RuntimeDefault`,
        ].filter(Boolean);
      });
    }, workloads);
    expect(problems).toEqual([]);
  });

  it('every container sets CPU and memory requests and limits', () => {
    const problems = violations(
      (_, workload) =>
        containersOf(podSpecOf(workload)).flatMap((container) =>
          ['requests', 'limits'].flatMap((bound) =>
            ['cpu', 'memory'].filter((resource) => !container.resources?.[bound]?.[resource]).map((resource) => `${container.name}: no ${resource} ${bound.slice(0, -1)}`),
          ),
        ),
      workloads,
    );
    expect(problems).toEqual([]);
  });

  it('no pod mounts a service account token', () => {
    const problems = violations((path, workload) => {
      const pod = podSpecOf(workload);
      const account = objectsOf(path).find((object) => object.kind === 'ServiceAccount' && object.metadata.name === pod.serviceAccountName);
      if (!account) return [`service account ${pod.serviceAccountName} is not rendered with it`];
      return pod.automountServiceAccountToken === false && account.automountServiceAccountToken === false ? [] : ['token automounted'];
    }, workloads);
    expect(problems).toEqual([]);
  });

  it('every image is pinned to a version tag or digest, never latest', () => {
    const pinned = /^[^:@\s]+(:(?!latest$)[\w][\w.-]*\d[\w.-]*)?(@sha256:[a-f0-9]{64})?$/;
    const images = everyObject().flatMap(([path, object]) => {
      if (workloadKinds.has(object.kind)) return containersOf(podSpecOf(object)).map((container: Container) => [path, object, container.image] as const);
      if (object.kind === 'RabbitmqCluster') return [[path, object, object.spec.image] as const];
      if (object.kind === 'Cluster') return [[path, object, object.spec.imageName] as const];
      return [];
    });
    const unpinned = images
      .filter(([, , image]) => typeof image !== 'string' || !pinned.test(image) || !/[:@]/.test(image.split('/').pop() ?? ''))
      .map(([path, object, image]) => `${path}: ${idOf(object)}: ${image}`);
    expect(images.length).toBeGreaterThan(0);
    expect(unpinned).toEqual([]);
  });

  it('every service Deployment probes /healthz at start-up and for liveness and /readyz for readiness, on its PORT', () => {
    const problems = violations((path, deployment) => {
      const [container] = podSpecOf(deployment).containers;
      const configMap = objectsOf(path).find(
        (object) => object.kind === 'ConfigMap' && container.envFrom?.some((source: Container) => source.configMapRef?.name === object.metadata.name),
      );
      const port = container.ports?.find((candidate: Container) => candidate.name === 'http')?.containerPort;
      return [
        container.startupProbe?.httpGet?.path === '/healthz' ? '' : 'startup probe is not GET /healthz',
        container.livenessProbe?.httpGet?.path === '/healthz' ? '' : 'liveness probe is not GET /healthz',
        container.readinessProbe?.httpGet?.path === '/readyz' ? '' : 'readiness probe is not GET /readyz',
        [container.startupProbe, container.livenessProbe, container.readinessProbe].every((probe) => probe?.httpGet?.port === 'http') ? '' : 'probes must target the http port',
        configMap && String(port) === configMap.data?.PORT ? '' : `containerPort ${port} differs from PORT ${configMap?.data?.PORT}`,
      ].filter(Boolean);
    }, plinthServiceDeployments);
    expect(plinthServiceDeployments()).toHaveLength(environments.length * services.length * 2);
    expect(problems).toEqual([]);
  });

  it('every other Deployment has startup, liveness and readiness probes', () => {
    const problems = violations(
      (_, deployment) =>
        podSpecOf(deployment).containers.flatMap((container: Container) =>
          ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((probe) => !container[probe]).map((probe) => `${container.name}: no ${probe}`),
        ),
      deployments,
    );
    expect(problems).toEqual([]);
  });

  it('every Deployment drains before it stops: a preStop delay, and a grace period longer than preStop plus SHUTDOWN_TIMEOUT_MS', () => {
    const problems = violations((path, deployment) => {
      const pod = podSpecOf(deployment);
      return pod.containers.flatMap((container: Container) => {
        const preStopSeconds = container.lifecycle?.preStop?.sleep?.seconds;
        if (typeof preStopSeconds !== 'number' || preStopSeconds <= 0) return [`${container.name}: no preStop sleep`];
        const configMap = objectsOf(path).find(
          (object) => object.kind === 'ConfigMap' && container.envFrom?.some((source: Container) => source.configMapRef?.name === object.metadata.name),
        );
        const shutdownSeconds = Number(configMap?.data?.SHUTDOWN_TIMEOUT_MS ?? 0) / 1000;
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        return grace > preStopSeconds + shutdownSeconds ? [] : [`grace ${grace}s <= preStop ${preStopSeconds}s + shutdown ${shutdownSeconds}s`];
      });
    }, deployments);
    expect(problems).toEqual([]);
  });

  it('every Deployment spreads its pods across nodes with a selector that matches them', () => {
    const problems = violations((_, deployment) => {
      const pod = podSpecOf(deployment);
      const constraints: Container[] = pod.topologySpreadConstraints ?? [];
      const labels = deployment.spec.template.metadata.labels;
      const byNode = constraints.find((constraint) => constraint.topologyKey === 'kubernetes.io/hostname' && matches(constraint.labelSelector?.matchLabels, labels));
      return byNode ? [] : ['no kubernetes.io/hostname topology spread matching its pods'];
    }, deployments);
    expect(problems).toEqual([]);
  });

  it('every Deployment is autoscaled (HPA or KEDA) and covered by a PodDisruptionBudget, and none fixes replicas under an autoscaler', () => {
    const problems = violations((path, deployment) => {
      const objects = objectsOf(path);
      const scaled = objects.some(
        (object) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(object.kind) && object.spec.scaleTargetRef?.name === deployment.metadata.name,
      );
      const budget = objects.some((object) => object.kind === 'PodDisruptionBudget' && matches(object.spec.selector?.matchLabels, deployment.spec.template.metadata.labels));
      const isService = services.includes(deployment.metadata.name);
      return [
        isService && !scaled ? 'no autoscaler' : '',
        isService && scaled && deployment.spec.replicas !== undefined ? 'spec.replicas set although an autoscaler owns it' : '',
        isService && !budget ? 'no PodDisruptionBudget' : '',
      ].filter(Boolean);
    }, deployments);
    expect(problems).toEqual([]);
  });

  it('every Deployment\'s pods are selected by a NetworkPolicy restricting both ingress and egress', () => {
    const problems = violations((path, deployment) => {
      const policies = objectsOf(path).filter((object) => object.kind === 'NetworkPolicy');
      const covering = policies.find((policy) => matches(policy.spec.podSelector?.matchLabels, deployment.spec.template.metadata.labels));
      if (!covering) return ['no NetworkPolicy selects its pods'];
      return ['Ingress', 'Egress'].every((type) => covering.spec.policyTypes?.includes(type)) ? [] : ['policy does not restrict both directions'];
    }, deployments);
    expect(problems).toEqual([]);
  });

  it('only the gateway accepts traffic from the ingress controller; back-end services only from monitoring', () => {
    const ingressSources = (environment: string, service: string): string[] =>
      objectsOf(`k8s/overlays/${environment}/${service}`)
        .filter((object) => object.kind === 'NetworkPolicy')
        .flatMap((policy) => policy.spec.ingress ?? [])
        .flatMap((rule: Container) => rule.from ?? [{ any: true }])
        .map((peer: Container) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? JSON.stringify(peer));
    for (const environment of environments) {
      expect(ingressSources(environment, 'gateway').sort()).toEqual(['ingress-nginx', 'monitoring']);
      for (const service of databaseServices) expect(ingressSources(environment, service)).toEqual(['monitoring']);
    }
  });
});

describe('exposure', () => {
  it.each(environments)('%s: only the gateway is exposed, through a TLS Ingress to its Service\'s http port', (environment) => {
    const exposed = objectsOf(`k8s/overlays/${environment}`).filter(
      (object) => object.kind === 'Ingress' || (object.kind === 'Service' && ['LoadBalancer', 'NodePort'].includes(object.spec.type)),
    );
    expect(exposed.map(idOf)).toEqual(['Ingress/gateway']);
    const [ingress] = exposed;
    expect(ingress.spec.tls?.[0]?.hosts).toEqual([ingress.spec.rules[0].host]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'gateway', port: { name: 'http' } });
  });

  it.each(environments)('%s: the Ingress routes only the API and its docs, never probes or metrics', (environment) => {
    const ingress = objectsOf(`k8s/overlays/${environment}`).find((object) => object.kind === 'Ingress');
    const paths = ingress?.spec.rules.flatMap((rule: { http: { paths: { path: string }[] } }) => rule.http.paths.map((p) => p.path));
    expect(paths).toEqual(['/v1', '/docs', '/docs-json']);
  });
});

describe('configuration and secrets', () => {
  it('no Secret is rendered: credentials are created out of band and only referenced', () => {
    expect(everyObject().filter(([, object]) => object.kind === 'Secret').map(([path, object]) => `${path}: ${idOf(object)}`)).toEqual([]);
  });

  it('credential variables come only from secretKeyRef, and no ConfigMap holds a credential', () => {
    const inWorkloads = violations(
      (_, workload) =>
        containersOf(podSpecOf(workload)).flatMap((container) =>
          (container.env ?? [])
            .filter((variable: Container) => credentialName.test(variable.name) && !variable.valueFrom?.secretKeyRef)
            .map((variable: Container) => `${container.name}: ${variable.name} is not a secretKeyRef`),
        ),
      workloads,
    );
    const literalValues = violations(
      (_, workload) =>
        containersOf(podSpecOf(workload)).flatMap((container) =>
          (container.env ?? []).filter((variable: Container) => urlWithCredentials.test(variable.value ?? '')).map((variable: Container) => `${variable.name} has credentials inline`),
        ),
      workloads,
    );
    const inConfigMaps = violations(
      (_, configMap) =>
        Object.entries(configMap.data ?? {})
          .filter(([key, value]) => credentialName.test(key) || urlWithCredentials.test(String(value)))
          .map(([key]) => `${key} looks like a credential`),
      () => everyObject().filter(([, object]) => object.kind === 'ConfigMap'),
    );
    expect([...inWorkloads, ...literalValues, ...inConfigMaps]).toEqual([]);
  });

  it('services keep the retry delays the RabbitMQ definitions were generated with (a different TTL fails to redeclare)', () => {
    const overriding = everyObject().filter(([, object]) => object.kind === 'ConfigMap' && object.data?.EVENT_RETRY_DELAYS_MS !== undefined);
    expect(overriding.map(([path, object]) => `${path}: ${idOf(object)}`)).toEqual([]);
  });

  it('every service exports telemetry to the in-cluster OTel Collector under its own service name', () => {
    for (const environment of environments) {
      for (const service of services) {
        const configMap = objectsOf(`k8s/overlays/${environment}/${service}`).find((object) => object.kind === 'ConfigMap');
        expect(configMap?.data).toMatchObject({ OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel-collector:4318', NODE_ENV: 'production' });
      }
    }
  });
});

describe('monitoring', () => {
  it.each(environments.flatMap((environment) => services.map((service) => [environment, service])))(
    '%s/%s is scraped: a ServiceMonitor on its Service\'s http port at /metrics as job "plinth", and scrape annotations on its pods',
    (environment, service) => {
      const objects = objectsOf(`k8s/overlays/${environment}/${service}`);
      const monitor = theOne(objects, 'ServiceMonitor');
      const serviceObject = theOne(objects, 'Service');
      const [container] = podSpecOf(theOne(objects, 'Deployment')).containers;
      const annotations = theOne(objects, 'Deployment').spec.template.metadata.annotations ?? {};
      expect(matches(monitor.spec.selector.matchLabels, serviceObject.metadata.labels)).toBe(true);
      expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      expect(serviceObject.spec.ports.map((port: Container) => port.name)).toContain('http');
      expect(serviceObject.metadata.labels?.[monitor.spec.jobLabel]).toBe('plinth');
      expect(monitor.metadata.namespace).toBe(serviceObject.metadata.namespace);
      const httpPort = container.ports.find((port: Container) => port.name === 'http').containerPort;
      expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(httpPort), 'prometheus.io/path': '/metrics' });
    },
  );

  it.each(environments)('%s: the cause alerts come with the infrastructure, each SLO\'s rules with its service', (environment) => {
    const rules = (path: string) => objectsOf(path).filter((object) => object.kind === 'PrometheusRule').map((object) => object.metadata.name);
    expect(rules(`k8s/overlays/${environment}/infra`)).toEqual(['plinth-causes']);
    const withSlos = services.filter((service) => existsSync(join(workspaceRoot, 'k8s/base', service, 'slo.yaml')));
    expect(withSlos).toEqual(expect.arrayContaining(['gateway', 'notifications']));
    for (const service of services) expect(rules(`k8s/overlays/${environment}/${service}`)).toEqual(withSlos.includes(service) ? [`${service}-slos`] : []);
  });
});

describe('migrations', () => {
  it.each(environments.flatMap((environment) => databaseServices.map((service) => [environment, service])))(
    '%s/%s migrates with a Job that runs `migrate` from the same image and configuration as the Deployment',
    (environment, service) => {
      const objects = objectsOf(`k8s/overlays/${environment}/${service}`);
      const job = theOne(objects, 'Job');
      const [migrate] = podSpecOf(job).containers;
      const [server] = podSpecOf(theOne(objects, 'Deployment')).containers;
      expect(job.metadata.name).toBe(`${service}-migrate`);
      expect(migrate.args).toEqual(['migrate']);
      expect(migrate.image).toBe(server.image);
      expect(migrate.envFrom).toEqual(server.envFrom);
      // The same, plus the owner's URL from a Secret of its own: only the Job may run DDL.
      const owner = { name: 'MIGRATION_DATABASE_URL', valueFrom: { secretKeyRef: { name: `${service}-migration-credentials`, key: 'MIGRATION_DATABASE_URL' } } };
      expect(migrate.env).toEqual(expect.arrayContaining([...server.env, owner]));
      expect(migrate.env).toHaveLength(server.env.length + 1);
      expect(server.env.map((variable: Container) => variable.name)).not.toContain('MIGRATION_DATABASE_URL');
      expect(podSpecOf(job).restartPolicy).toBe('Never');
    },
  );
});

describe('infrastructure', () => {
  it.each(environments)('%s: a Job imports the generated definitions into RabbitMQ with the operator\'s credentials', (environment) => {
    const objects = objectsOf(`k8s/overlays/${environment}/infra`);
    const cluster = theOne(objects, 'RabbitmqCluster');
    const job = objects.find((object) => object.kind === 'Job' && object.metadata.name === `${cluster.metadata.name}-topology`);
    if (!job) throw new Error(`no ${cluster.metadata.name}-topology Job`);
    const pod = podSpecOf(job);
    const volume = pod.volumes.find((candidate: Container) => candidate.configMap);
    const mount = pod.containers[0].volumeMounts.find((candidate: Container) => candidate.name === volume.name);
    const definitions = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === volume.configMap.name);
    expect(definitions?.data?.['definitions.json']).toBe(readFileSync(join(workspaceRoot, 'k8s/base/infra/rabbitmq/definitions.json'), 'utf8'));
    const command = pod.containers[0].command.join(' ');
    expect(command).toContain(`--data @${mount.mountPath}/definitions.json`);
    expect(command).toContain(`https://${cluster.metadata.name}:15671/api/definitions`);
    expect(pod.containers[0].env.map((variable: Container) => variable.valueFrom.secretKeyRef.name)).toEqual([
      `${cluster.metadata.name}-default-user`,
      `${cluster.metadata.name}-default-user`,
    ]);
    // A boot-time import would skip creating the default user the operator manages the cluster with.
    expect(cluster.spec.rabbitmq.additionalConfig).not.toContain('load_definitions');
  });

  it.each(environments)('%s: every service has its own broker user, its password from its own Secret, and declares only its own queues', (environment) => {
    const definitions = JSON.parse(readFileSync(join(workspaceRoot, 'k8s/base/infra/rabbitmq/definitions.json'), 'utf8')) as { permissions: { user: string }[] };
    const users = definitions.permissions.map((permission) => permission.user);
    expect([...users].sort()).toEqual(services.map((service) => `plinth-${service}`).sort());
    const objects = objectsOf(`k8s/overlays/${environment}/infra`);
    const pod = podSpecOf(objects.find((object) => object.kind === 'Job' && object.metadata.name === 'plinth-rabbitmq-topology') as K8sObject);
    const credentials = pod.volumes.find((volume: Container) => volume.name === 'credentials');
    const files = credentials.projected.sources.map((source: Container) => [source.secret.name, source.secret.items.map((item: Container) => `${item.key}→${item.path}`)]);
    expect(files.sort()).toEqual(users.map((user) => [user.replace(/^plinth-/, 'plinth-rabbitmq-'), [`password→${user}`]]).sort());
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'credentials', mountPath: '/credentials', readOnly: true });
    expect(pod.containers[0].command.join(' ')).toContain('/api/users/$user');
    for (const service of services) {
      expect(theOne(objectsOf(`k8s/overlays/${environment}/${service}`), 'ConfigMap').data?.RABBITMQ_DECLARE_TOPOLOGY).toBe('own');
    }
  });

  it.each(environments)('%s: every database service has its database in the CloudNativePG cluster', (environment) => {
    const objects = objectsOf(`k8s/overlays/${environment}/infra`);
    const clusterName = objects.find((object) => object.kind === 'Cluster')?.metadata.name;
    const databases = objects.filter((object) => object.kind === 'Database');
    expect(databases.map((database) => database.spec.name).sort()).toEqual(databaseServices.map((service) => `plinth_${service}`).sort());
    expect(databases.every((database) => database.spec.cluster.name === clusterName)).toBe(true);
    // An owner (migrations) and a runtime role (the Deployment, no DDL) per database.
    const roles = objects.find((object) => object.kind === 'Cluster')?.spec.managed.roles.map((role: Container) => [role.name, role.passwordSecret.name]);
    expect(roles.sort()).toEqual(databaseServices.flatMap((service) => [[`plinth_${service}`, `plinth-postgres-${service}`], [`plinth_${service}_app`, `plinth-postgres-${service}-app`]]).sort());
    expect(databases.map((database) => [database.spec.name, database.spec.owner]).sort()).toEqual(databaseServices.map((service) => [`plinth_${service}`, `plinth_${service}`]).sort());
  });

  it.each(environments)('%s: auth and notifications get the sealing keys production requires, from their Secrets, never optional', (environment) => {
    const keysOf = (service: string) => {
      const [server] = podSpecOf(theOne(objectsOf(`k8s/overlays/${environment}/${service}`), 'Deployment')).containers;
      return (server.env as Container[])
        .filter((variable) => ['SIGNING_KEY_ENCRYPTION_KEY', 'ACCOUNT_EMAIL_SEALING_KEY'].includes(variable.name))
        .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]);
    };
    // NODE_ENV=production makes either key unset a start-up error (apps/auth/src/config.spec.ts, apps/notifications/src/config.spec.ts).
    expect(keysOf('auth')).toEqual([
      ['SIGNING_KEY_ENCRYPTION_KEY', { name: 'auth-credentials', key: 'SIGNING_KEY_ENCRYPTION_KEY' }],
      ['ACCOUNT_EMAIL_SEALING_KEY', { name: 'auth-credentials', key: 'ACCOUNT_EMAIL_SEALING_KEY' }],
    ]);
    expect(keysOf('notifications')).toEqual([['ACCOUNT_EMAIL_SEALING_KEY', { name: 'notifications-credentials', key: 'ACCOUNT_EMAIL_SEALING_KEY' }]]);
  });

  it.each(environments)('%s: the gateway may run several replicas, so it shares its limits through the Redis of the infra overlay, over TLS with a password', (environment) => {
    const gateway = objectsOf(`k8s/overlays/${environment}/gateway`);
    expect(theOne(gateway, 'HorizontalPodAutoscaler').spec.maxReplicas).toBeGreaterThan(1);
    const [server] = podSpecOf(theOne(gateway, 'Deployment')).containers;
    const redisUrl = server.env.find((variable: Container) => variable.name === 'REDIS_URL');
    expect(redisUrl?.valueFrom?.secretKeyRef).toEqual({ name: 'gateway-credentials', key: 'REDIS_URL' });
    // NODE_ENV=production makes an unset REDIS_URL a start-up error (apps/gateway/src/config.spec.ts).
    expect(theOne(gateway, 'ConfigMap').data).toMatchObject({ NODE_ENV: 'production', REDIS_CA_FILE: '/etc/plinth/tls/ca.crt' });
    const egress = theOne(gateway, 'NetworkPolicy').spec.egress as Container[];
    expect(egress.some((rule) => rule.to.some((peer: Container) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'plinth-redis')
      && rule.ports.some((port: Container) => port.port === 6379))).toBe(true);

    const infra = objectsOf(`k8s/overlays/${environment}/infra`);
    const redis = theOne(infra, 'StatefulSet');
    const [container] = podSpecOf(redis).containers;
    const args = container.args as string[];
    const argument = (name: string) => args[args.indexOf(name) + 1];
    expect(redis.metadata.name).toBe('plinth-redis');
    expect([argument('--port'), argument('--tls-port'), argument('--tls-auth-clients')]).toEqual(['0', '6379', 'yes']);
    expect(argument('--requirepass')).toBe('$(REDIS_PASSWORD)');
    expect(container.env.find((variable: Container) => variable.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'plinth-redis', key: 'password' });
    const tlsVolume = podSpecOf(redis).volumes.find((volume: Container) => volume.secret);
    const certificate = infra.find((object) => object.kind === 'Certificate' && object.spec.secretName === tlsVolume.secret.secretName);
    expect(certificate?.spec.dnsNames).toContain('plinth-redis');
    expect(infra.some((object) => object.kind === 'Service' && object.metadata.name === 'plinth-redis')).toBe(true);
    const redisPolicy = infra.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === 'plinth-redis');
    expect(redisPolicy?.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }]);
  });

  it('KEDA scales consumers on queues that the RabbitMQ definitions declare', () => {
    const definitions = JSON.parse(readFileSync(join(workspaceRoot, 'k8s/base/infra/rabbitmq/definitions.json'), 'utf8')) as { queues: { name: string }[] };
    const queues = new Set(definitions.queues.map((queue) => queue.name));
    const scaled = everyObject().filter(([, object]) => object.kind === 'ScaledObject');
    const unknown = scaled.flatMap(([path, object]) =>
      object.spec.triggers
        .filter((trigger: Container) => trigger.type === 'rabbitmq' && !queues.has(trigger.metadata.queueName))
        .map((trigger: Container) => `${path}: ${idOf(object)}: ${trigger.metadata.queueName}`),
    );
    expect(scaled.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });
});
