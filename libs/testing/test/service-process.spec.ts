import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceProcess, freePort } from '../src/index.js';

const fakeService = fileURLToPath(new URL('./fixtures/fake-service.mjs', import.meta.url));
const started: ServiceProcess[] = [];

async function fake(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const service = new ServiceProcess('fake', port, { PATH: process.env['PATH'] ?? '', PORT: String(port), ...env }, fakeService);
  started.push(service);
  return service;
}

describe('ServiceProcess', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.stop('SIGKILL')));
  });

  it('waits through 503s until /readyz answers 200', async () => {
    const service = await fake({ READY_AFTER_MS: '500' });
    const begin = Date.now();
    service.start();
    await service.waitUntilReady(10_000);
    expect(Date.now() - begin).toBeGreaterThanOrEqual(450);
    expect(service.logs()).toContain('"msg":"ready"');
  });

  it('fails fast with the log tail when the process exits before it is ready', async () => {
    const service = await fake({ CRASH_ON_START: '1' });
    service.start();
    await expect(service.waitUntilReady(10_000)).rejects.toThrow(
      /fake exited before becoming ready\. Last log lines:\nfatal: cannot connect to the database/,
    );
  });

  it('names the deadline and the last /readyz answer when the service never becomes ready', async () => {
    const service = await fake({ READY_AFTER_MS: '60000' });
    service.start();
    // Let it listen first (slow on a busy machine), so the last answer is the 503, not a refused connection.
    while (!service.logs().includes('"msg":"ready"')) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(service.waitUntilReady(700)).rejects.toThrow(/fake not ready within 700 ms \(last \/readyz: 503 starting\)/);
  });

  it('stops on SIGTERM and reports the exit code, then restarts on the same port', async () => {
    const service = await fake();
    service.start();
    await service.waitUntilReady(10_000);
    expect(await service.stop('SIGTERM')).toBe(0);
    expect(service.isRunning).toBe(false);
    service.start();
    await service.waitUntilReady(10_000);
    expect(service.logs().match(/"msg":"ready"/g)).toHaveLength(2);
  });
});
