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
