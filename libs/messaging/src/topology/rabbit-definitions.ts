import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_RETRY } from '../messaging.options.js';
import { toBrokerPermissions } from './broker-permissions.js';
import { servicesOf, type Topology } from './topology.js';
import { declareTopology } from './topology-declarations.js';

/** The subset of RabbitMQ's definitions format (`rabbitmqctl import_definitions`) a topology needs. */
export interface RabbitDefinitions {
  exchanges: { name: string; vhost: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: Record<string, never> }[];
  queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, string | number> }[];
  bindings: { source: string; vhost: string; destination: string; destination_type: 'queue'; routing_key: string; arguments: Record<string, never> }[];
  /** Only when password hashes are given: otherwise the users are created out of band (the k8s Job, with secrets). */
  users?: { name: string; password_hash: string; hashing_algorithm: 'rabbit_password_hashing_sha256'; tags: string[] }[];
  permissions?: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions?: { user: string; vhost: string; exchange: string; write: string; read: string }[];
}

export interface BrokerUsersOptions {
  /** The broker user of a service, e.g. `plinth-orders`. */
  nameOf(service: string): string;
  /** Include the users themselves, with these password hashes (see rabbitPasswordHash). */
  passwordHashOf?(service: string): string;
}

/** The broker user of a service in the deployed definitions. */
export const brokerUserOf = (service: string): string => `plinth-${service}`;

/**
 * RabbitMQ's `rabbit_password_hashing_sha256` hash as the definitions carry it: base64(salt ‖ sha256(salt ‖ password))
 * with a 4-byte salt.
 */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/**
 * The whole topology (every service's retry queues included) as RabbitMQ definitions, so a cluster
 * can be provisioned before any service starts (k8s Job / definitions import).
 */
export function toRabbitDefinitions(
  topology: Topology,
  options: { vhost?: string; retryDelaysMs?: readonly number[]; users?: BrokerUsersOptions } = {},
): RabbitDefinitions {
  const vhost = options.vhost ?? '/';
  const declarations = declareTopology(topology, {
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY.delaysMs,
    retryQueuesFor: 'all',
  });
  const users = options.users;
  return {
    ...(users ? brokerUsers(topology, vhost, users) : {}),
    exchanges: declarations.exchanges.map((exchange) => ({
      name: exchange.name, vhost, type: exchange.type, durable: exchange.durable, auto_delete: false, internal: false, arguments: {},
    })),
    queues: declarations.queues.map((queue) => ({
      name: queue.name, vhost, durable: queue.durable, auto_delete: false, arguments: queue.arguments,
    })),
    bindings: declarations.bindings.map((binding) => ({
      source: binding.exchange, vhost, destination: binding.queue, destination_type: 'queue', routing_key: binding.routingKey, arguments: {},
    })),
  };
}

/** A user per service with the permissions generated from the topology (toBrokerPermissions). */
function brokerUsers(topology: Topology, vhost: string, users: BrokerUsersOptions): Pick<RabbitDefinitions, 'users' | 'permissions' | 'topic_permissions'> {
  const services = servicesOf(topology);
  const passwordHashOf = users.passwordHashOf;
  return {
    ...(passwordHashOf
      ? { users: services.map((service) => ({ name: users.nameOf(service), password_hash: passwordHashOf(service), hashing_algorithm: 'rabbit_password_hashing_sha256' as const, tags: [] })) }
      : {}),
    permissions: services.map((service) => {
      const { configure, write, read } = toBrokerPermissions(topology, service);
      return { user: users.nameOf(service), vhost, configure, write, read };
    }),
    topic_permissions: services.flatMap((service) => toBrokerPermissions(topology, service).topics
      .map(({ exchange, write, read }) => ({ user: users.nameOf(service), vhost, exchange, write, read }))),
  };
}
