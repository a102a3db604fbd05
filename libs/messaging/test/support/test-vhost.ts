// Local stand-in for @plinth/testing's createTestVhost/closeBrokerConnections: the lint boundaries
// let a type:messaging project depend on contracts only, so this lib's tests cannot import it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BROKER = 'amqp://guest:guest@127.0.0.1:5672';

const rabbitmqctl = async (...args: string[]): Promise<void> => {
  await run('rabbitmqctl', args, { timeout: 20_000 });
};

export interface TestVhost { url: string; vhost: string; drop(): Promise<void> }

export async function createTestVhost(label: string): Promise<TestVhost> {
  const vhost = `test-messaging-${label}-${process.pid}-${Date.now().toString(36)}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  return {
    vhost,
    url: `${BROKER}/${encodeURIComponent(vhost)}`,
    drop: () => rabbitmqctl('delete_vhost', vhost),
  };
}

/** Loads RabbitMQ definitions (queues, exchanges, bindings) into the broker, as a cluster provisioning job would. */
export const importDefinitions = (file: string): Promise<void> => rabbitmqctl('import_definitions', file);

/** Broker-side close of every connection in ONE vhost (never global: the broker is shared). */
export const closeBrokerConnections = (vhost: string): Promise<void> =>
  rabbitmqctl('close_all_connections', '-p', vhost, 'test');

/** Users are broker-wide (not per vhost): tests name theirs uniquely and delete them. */
export const deleteBrokerUser = (user: string): Promise<void> => rabbitmqctl('delete_user', user);
