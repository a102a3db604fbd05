// A RabbitMQ node of the bench's own (@plinth/testing's PrivateRabbit): the shared broker also carries other
// engineers' test traffic, so its CPU could not be charged to Plinth's orders. @plinth/testing is pointed
// at it (vhosts are created there, services connect there) through its testInfrastructure settings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rabbitPid } from './process-cpu.mjs';

const RABBIT_BIN = process.env.CHAOS_RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';

/** Shell-quotes one word for the wrapper script. */
const quote = (value) => `'${String(value).replaceAll("'", "'\\''")}'`;

/**
 * A node of our own on free ports. Other suites start private nodes on "free" ports too: if one of them won
 * the race for our AMQP port, our node is not the one listening there, and we start again elsewhere.
 */
async function startOwnNode({ PrivateRabbit }) {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-rabbit-'));
    const rabbit = await PrivateRabbit.start(dir);
    if (rabbitPid(rabbit.port) === rabbit.pid) return { dir, rabbit };
    await rabbit.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (attempt === 3) throw new Error(`private RabbitMQ: port ${rabbit.port} is served by another process, three times`);
  }
}

/** Boots the node, routes @plinth/testing's vhost and rabbitmqctl calls to it; stop() removes it. */
export async function startPrivateBroker(testing) {
  const { dir, rabbit } = await startOwnNode(testing);
  // testing's rabbitmqctl() runs one executable without extra arguments: a wrapper adds the node and its cookie.
  const ctl = join(dir, 'rabbitmqctl');
  const variables = Object.entries(rabbit.env).filter(([name]) => name === 'HOME' || name.startsWith('RABBITMQ_'));
  writeFileSync(ctl, `#!/bin/sh\nexec env ${variables.map(([name, value]) => `${name}=${quote(value)}`).join(' ')} ${quote(join(RABBIT_BIN, 'rabbitmqctl'))} -n ${quote(rabbit.node)} "$@"\n`, { mode: 0o755 });
  Object.assign(testing.testInfrastructure, { rabbitmqUrl: rabbit.url, rabbitmqctl: ctl });
  return {
    url: rabbit.url,
    port: rabbit.port,
    pid: () => rabbit.pid,
    stop: async () => {
      await rabbit.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
