import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The real Redis of the test run (REDIS_URL or 127.0.0.1:6379) and a key prefix of this spec file's own. */
export function testRedis(): { url: string; prefix: string; dropKeys(): Promise<void> } {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `plinth-test:${randomUUID()}:`;
  return {
    url,
    prefix,
    async dropKeys() {
      const admin = new Redis(url);
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    },
  };
}
