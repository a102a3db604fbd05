import { rabbitmqctl } from './rabbitmqctl.js';
import { testInfrastructure } from './test-infrastructure.config.js';
import { assertTestName, uniqueTestName } from './unique-name.js';

export interface TestVhost {
  /** The broker URL with this vhost selected. */
  url: string;
  vhost: string;
  /** Deletes the vhost with all its queues and closes its connections; safe to call twice. */
  drop(): Promise<void>;
}

/** A fresh vhost `plinth-<label>-test-<random>` where the test user (guest) may do everything. */
export async function createTestVhost(label: string): Promise<TestVhost> {
  const vhost = uniqueTestName(label, '-');
  const url = new URL(testInfrastructure.rabbitmqUrl);
  const user = decodeURIComponent(url.username || 'guest');
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*');
  url.pathname = `/${encodeURIComponent(vhost)}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    vhost,
    drop: () => {
      assertTestName(vhost);
      dropped ??= rabbitmqctl('delete_vhost', vhost).then(() => undefined);
      return dropped;
    },
  };
}

/**
 * Simulates a broker-side connection loss for ONE vhost: other engineers' suites share the broker,
 * so this never closes connections globally.
 */
export async function closeBrokerConnections(vhost: string, reason = 'plinth test: simulated connection loss'): Promise<void> {
  if (!vhost) throw new Error('closeBrokerConnections needs a vhost; closing connections globally is never allowed');
  await rabbitmqctl('close_all_connections', '--vhost', vhost, reason);
}

/**
 * Cuts one client (by its connection name, e.g. `gateway@<pid>`) off a test vhost and keeps it off: the vhost accepts
 * no new connection until the returned function lifts the limit. The others keep theirs.
 */
export async function cutOffBrokerClient(vhost: string, connectionName: string): Promise<() => Promise<void>> {
  assertTestName(vhost);
  // This broker version has no user_provided_name item: the name is the client property connection_name.
  const listed = await rabbitmqctl('list_connections', '-p', vhost, 'pid', 'client_properties', '--no-table-headers');
  const connections = listed.split('\n').filter(Boolean).map((line) => {
    const [pid, properties] = line.split('\t');
    return [pid, /\{"connection_name","([^"]*)"\}/.exec(properties ?? '')?.[1]];
  });
  const target = connections.find(([, name]) => name === connectionName);
  if (!target?.[0]) throw new Error(`no connection named ${connectionName} on ${vhost} (${connections.map(([, name]) => name).join(', ')})`);
  await rabbitmqctl('set_vhost_limits', '-p', vhost, JSON.stringify({ 'max-connections': connections.length - 1 }));
  const lift = async () => {
    await rabbitmqctl('clear_vhost_limits', '-p', vhost);
  };
  try {
    await rabbitmqctl('close_connection', target[0], 'plinth test: client cut off');
  } catch (error) {
    await lift();
    throw error;
  }
  return lift;
}
