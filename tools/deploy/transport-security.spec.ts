// Transport security of the rendered manifests: cert-manager issues every certificate, every connection is
// TLS and verified, the broker and the database refuse plaintext, prod refuses any plaintext configuration.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from './image-contents.mjs';
import { databaseServices, environments, findKubectl, renderAll, services, type K8sObject } from './kustomize-render.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML
type Any = any;

const namespaceOf = { dev: 'plinth-dev', prod: 'plinth' } as const;
let rendered = new Map<string, K8sObject[]>();

beforeAll(async () => {
  rendered = await renderAll(await findKubectl(), environments.flatMap((environment) => [`k8s/overlays/${environment}`, ...services.map((service) => `k8s/overlays/${environment}/${service}`)]));
}, 60_000);

const objectsOf = (path: string): K8sObject[] => rendered.get(path) ?? [];
const find = (objects: K8sObject[], kind: string, name?: string): K8sObject => {
  const found = objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? `/${name}` : ''} rendered`);
  return found;
};
const certificateFor = (objects: K8sObject[], secretName: string): K8sObject =>
  objects.find((object) => object.kind === 'Certificate' && object.spec.secretName === secretName) ??
  (() => {
    throw new Error(`no Certificate produces Secret ${secretName}`);
  })();

describe.each(environments)('%s', (environment) => {
  const whole = () => objectsOf(`k8s/overlays/${environment}`);

  it('every Certificate is issued by an Issuer of the same overlay, internal ones by the Plinth CA', () => {
    const issuers = new Set(whole().filter((object) => object.kind === 'Issuer').map((object) => object.metadata.name));
    const certificates = whole().filter((object) => object.kind === 'Certificate');
    expect(certificates.filter((certificate) => !issuers.has(certificate.spec.issuerRef.name)).map((c) => c.metadata.name)).toEqual([]);
    expect(find(whole(), 'Certificate', 'plinth-ca').spec).toMatchObject({ isCA: true, secretName: 'plinth-ca', issuerRef: { name: 'plinth-selfsigned' } });
    expect(find(whole(), 'Issuer', 'plinth-ca').spec).toEqual({ ca: { secretName: 'plinth-ca' } });
    const internal = certificates.filter((certificate) => !['plinth-ca', 'gateway-public-tls'].includes(certificate.metadata.name));
    // One per service, plus RabbitMQ, PostgreSQL, Redis and the collector.
    expect(internal.length).toBe(services.length + 4);
    expect(internal.filter((certificate) => certificate.spec.issuerRef.name !== 'plinth-ca').map((c) => c.metadata.name)).toEqual([]);
    expect(new Set(certificates.map((certificate) => certificate.spec.secretName)).size).toBe(certificates.length);
  });

  it.each(services)('%s serves HTTPS with its own certificate and trusts the Plinth CA for every connection', (service) => {
    const objects = objectsOf(`k8s/overlays/${environment}/${service}`);
    const config = find(objects, 'ConfigMap').data ?? {};
    const certificate = certificateFor(objects, `${service}-tls`);
    expect(certificate.spec.issuerRef.name).toBe('plinth-ca');
    expect(certificate.spec.dnsNames).toContain(service);
    const mountDir = dirname(config.TLS_CERT_FILE ?? '');
    const variables = ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'RABBITMQ_CA_FILE', 'RABBITMQ_CERT_FILE', 'RABBITMQ_KEY_FILE', 'OTEL_EXPORTER_OTLP_CERTIFICATE', ...(databaseServices.includes(service) ? ['DATABASE_CA_FILE'] : [])];
    expect(variables.filter((variable) => dirname(config[variable] ?? '') !== mountDir || !config[variable])).toEqual([]);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https:\/\//);
    for (const workload of objects.filter((object) => ['Deployment', 'Job'].includes(object.kind))) {
      const pod = workload.spec.template.spec;
      const volume = pod.volumes.find((candidate: Any) => candidate.secret?.secretName === `${service}-tls`);
      expect(volume, `${workload.kind}/${workload.metadata.name} mounts ${service}-tls`).toBeDefined();
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: mountDir, readOnly: true });
    }
    const [container] = find(objects, 'Deployment').spec.template.spec.containers;
    expect([container.startupProbe, container.livenessProbe, container.readinessProbe].map((probe: Any) => probe.httpGet.scheme)).toEqual(['HTTPS', 'HTTPS', 'HTTPS']);
  });

  it(`${environment === 'prod' ? 'refuses' : 'tolerates'} plaintext configuration (TLS_REQUIRED ${environment === 'prod' ? 'true' : 'unset'})`, () => {
    for (const service of services) {
      const config = find(objectsOf(`k8s/overlays/${environment}/${service}`), 'ConfigMap').data ?? {};
      expect(config.TLS_REQUIRED).toBe(environment === 'prod' ? 'true' : undefined);
    }
  });

  it('RabbitMQ has no plaintext listener and asks clients for a certificate from the Plinth CA', () => {
    const cluster = find(whole(), 'RabbitmqCluster');
    expect(cluster.spec.tls).toEqual({ secretName: 'plinth-rabbitmq-tls', caSecretName: 'plinth-rabbitmq-tls', disableNonTLSListeners: true });
    expect(cluster.spec.rabbitmq.additionalConfig).toContain('ssl_options.fail_if_no_peer_cert = true');
    expect(certificateFor(whole(), 'plinth-rabbitmq-tls').spec.dnsNames).toEqual(
      expect.arrayContaining(['plinth-rabbitmq', `plinth-rabbitmq.${namespaceOf[environment]}.svc`]),
    );
    const plaintextPorts = whole()
      .filter((object) => object.kind === 'NetworkPolicy')
      .flatMap((policy) => (policy.spec.egress ?? []).flatMap((rule: Any) => (rule.ports ?? []).map((port: Any) => [policy.metadata.name, port.port])))
      .filter(([, port]) => port === 5672 || port === 15672);
    expect(plaintextPorts).toEqual([]);
    const topology = find(whole(), 'Job', 'plinth-rabbitmq-topology').spec.template.spec.containers[0].command.join(' ');
    expect(topology).toContain('--cacert /tls/ca.crt');
    expect(topology).toContain('https://plinth-rabbitmq:15671/api/definitions');
  });

  it('PostgreSQL serves the cert-manager certificate and refuses TCP without TLS', () => {
    const cluster = find(whole(), 'Cluster');
    expect(cluster.spec.certificates).toEqual({ serverTLSSecret: 'plinth-postgres-server-tls', serverCASecret: 'plinth-postgres-server-tls' });
    expect(cluster.spec.postgresql.pg_hba.slice(0, 2)).toEqual(['hostnossl all all 0.0.0.0/0 reject', 'hostnossl all all ::/0 reject']);
    expect(certificateFor(whole(), 'plinth-postgres-server-tls').spec.dnsNames).toEqual(
      expect.arrayContaining(['plinth-postgres-rw', `plinth-postgres-rw.${namespaceOf[environment]}.svc`]),
    );
  });

  it('Redis listens on TLS only, asks clients for a certificate, and the gateway trusts the Plinth CA for it', () => {
    const redis = find(whole(), 'StatefulSet', 'plinth-redis');
    const args = redis.spec.template.spec.containers[0].args as string[];
    expect(args.slice(args.indexOf('--port'), args.indexOf('--port') + 2)).toEqual(['--port', '0']);
    expect(args.slice(args.indexOf('--tls-auth-clients'), args.indexOf('--tls-auth-clients') + 2)).toEqual(['--tls-auth-clients', 'yes']);
    expect(certificateFor(whole(), 'plinth-redis-tls').spec.dnsNames).toEqual(
      expect.arrayContaining(['plinth-redis', `plinth-redis.${namespaceOf[environment]}.svc`]),
    );
    const gatewayConfig = find(objectsOf(`k8s/overlays/${environment}/gateway`), 'ConfigMap').data ?? {};
    expect(gatewayConfig).toMatchObject({ REDIS_CA_FILE: '/etc/plinth/tls/ca.crt', REDIS_CERT_FILE: '/etc/plinth/tls/tls.crt', REDIS_KEY_FILE: '/etc/plinth/tls/tls.key' });
  });

  it('the OTel Collector receives and forwards over TLS only', () => {
    const configMap = whole().find((object) => object.kind === 'ConfigMap' && object.data?.['config.yaml']);
    const config = parse(configMap?.data?.['config.yaml'] ?? '') as Any;
    expect(config.receivers.otlp.protocols.grpc.tls.cert_file).toBe('/etc/otelcol-tls/tls.crt');
    expect(config.receivers.otlp.protocols.http.tls.cert_file).toBe('/etc/otelcol-tls/tls.crt');
    expect(config.exporters.prometheus.tls.cert_file).toBe('/etc/otelcol-tls/tls.crt');
    expect(config.exporters['otlp/traces'].tls).toEqual({ ca_file: '/etc/otelcol-tls/ca.crt', min_version: '1.2' });
    const pod = find(whole(), 'Deployment', 'otel-collector').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'otel-collector-tls' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/otelcol-tls', readOnly: true });
  });

  it('the Ingress serves the public certificate of its host and re-encrypts to the gateway, verifying it', () => {
    const objects = objectsOf(`k8s/overlays/${environment}/gateway`);
    const ingress = find(objects, 'Ingress');
    const publicCertificate = certificateFor(objects, ingress.spec.tls[0].secretName);
    expect(publicCertificate.spec.dnsNames).toEqual([ingress.spec.rules[0].host]);
    expect(find(objects, 'Issuer', publicCertificate.spec.issuerRef.name).spec.acme.solvers[0].http01.ingress.ingressClassName).toBe(ingress.spec.ingressClassName);
    const annotations = ingress.metadata.annotations ?? {};
    expect(annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'nginx.ingress.kubernetes.io/proxy-ssl-verify': 'on',
      'nginx.ingress.kubernetes.io/proxy-ssl-secret': `${namespaceOf[environment]}/gateway-tls`,
    });
    expect(certificateFor(objects, 'gateway-tls').spec.dnsNames).toContain(annotations['nginx.ingress.kubernetes.io/proxy-ssl-name']);
  });
});

it('the local collector (docker/) forwards to Jaeger over verified TLS too', () => {
  const config = parse(readFileSync(join(workspaceRoot, 'docker/observability/otel-collector.yaml'), 'utf8')) as Any;
  expect(JSON.stringify(config)).not.toContain('"insecure":true');
  expect(config.exporters['otlp/jaeger'].tls.ca_file).toBeTruthy();
});
