#!/usr/bin/env node
// The RabbitMQ definitions the cluster imports at boot (k8s/base/infra/rabbitmq/definitions.json),
// generated from the one topology in @plinth/messaging with the services' default retry delays, with the
// permissions of every service's broker user `plinth-<service>` (no users: the topology Job creates them with the
// passwords of their Secrets, so no password or hash lives in the repository).
// `node tools/deploy/rabbit-definitions.mjs` rewrites the file (after `npm run build`); the deploy
// spec fails while the committed file differs from what the topology produces.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from './image-contents.mjs';

export const definitionsFile = join(workspaceRoot, 'k8s', 'base', 'infra', 'rabbitmq', 'definitions.json');

/** The file's content, given the messaging lib (passed in so the spec can use the sources). */
export function renderDefinitions({ toRabbitDefinitions, defaultTopology, brokerUserOf }) {
  const definitions = toRabbitDefinitions(defaultTopology(), { vhost: '/', users: { nameOf: brokerUserOf } });
  return `${JSON.stringify({ vhosts: [{ name: '/' }], ...definitions }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(definitionsFile, renderDefinitions(await import('@plinth/messaging')));
  process.stdout.write(`wrote ${definitionsFile}\n`);
}
