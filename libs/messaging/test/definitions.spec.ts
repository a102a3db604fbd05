import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRabbitDefinitions } from '../src/index.js';
import { testTopology } from './support/test-contracts.js';
import { openInspector, startTestService } from './support/test-service.js';
import { createTestVhost, importDefinitions, type TestVhost } from './support/test-vhost.js';

describe('toRabbitDefinitions output', () => {
  let vhost: TestVhost;
  let dir: string;

  beforeAll(async () => {
    vhost = await createTestVhost('definitions');
    dir = await mkdtemp(join(tmpdir(), 'plinth-definitions-'));
    await chmod(dir, 0o755); // rabbitmqctl reads the file as the rabbitmq user
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await vhost?.drop();
  });

  it('provision a broker on which services start without any redeclaration conflict', async () => {
    const file = join(dir, 'definitions.json');
    const retry = { maxAttempts: 3, delaysMs: [100, 200] };
    await writeFile(file, JSON.stringify(toRabbitDefinitions(testTopology, { vhost: vhost.vhost, retryDelaysMs: retry.delaysMs })));
    await importDefinitions(file);

    const inspector = await openInspector(vhost.url);
    try {
      await expect(inspector.channel.checkQueue('mailer.events.retry.2')).resolves.toMatchObject({ queue: 'mailer.events.retry.2' });
    } finally {
      await inspector.close();
    }
    // Asserting with different arguments than imported would fail the connection set-up and start-up with it.
    const audit = await startTestService({ url: vhost.url, serviceName: 'audit', messaging: { retry } });
    expect(audit.connection.isConnected()).toBe(true);
    await audit.close();
  });
});
