#!/usr/bin/env node
// Dead-letter queues: list them, look at messages (left in place), re-drive them to their service, or discard poison.
//
// usage: node tools/dlq/dlq.mjs list
//        node tools/dlq/dlq.mjs peek <service|queue> [--limit 10] [--json]
//        node tools/dlq/dlq.mjs redrive <service|queue> [--limit N]
//        node tools/dlq/dlq.mjs discard <service|queue> [--limit N]   (prints each discarded message as a JSON line)
// The broker is RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672; add /<vhost> for another vhost).
import { parseArgs } from 'node:util';
import { discardDeadLetters, listDeadLetters, peekDeadLetters, redriveDeadLetters, resolveDeadLetterQueue } from './dead-letters.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: 'string' }, json: { type: 'boolean', default: false }, url: { type: 'string' } },
});
const url = options.url ?? process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const [command, name] = positionals;
const limit = options.limit === undefined ? undefined : Number(options.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) fail(`--limit must be a positive integer (got "${options.limit}")`);

function fail(message) {
  process.stderr.write(`${message}\nusage: dlq.mjs list | peek <service|queue> [--limit N] [--json] | redrive <service|queue> [--limit N] | discard <service|queue> [--limit N]\n`);
  process.exit(2);
}

try {
  if (command === 'list') {
    for (const row of await listDeadLetters(url)) process.stdout.write(`${row.queue}\t${row.messages} messages\t${row.consumers} consumers\n`);
  } else if (command === 'peek' && name) {
    const messages = await peekDeadLetters(url, resolveDeadLetterQueue(name), { limit: limit ?? 10 });
    if (options.json) process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
    else for (const m of messages) process.stdout.write(`${m.messageId ?? '-'}  ${m.type ?? '-'}  attempts=${m.attempts ?? '-'}  error: ${m.error ?? '-'}\n    ${m.body}\n`);
    if (messages.length === 0) process.stdout.write('(empty)\n');
  } else if (command === 'redrive' && name) {
    const { from, to, moved } = await redriveDeadLetters(url, resolveDeadLetterQueue(name), { limit });
    process.stdout.write(`moved ${moved} message(s) from ${from} to ${to}\n`);
  } else if (command === 'discard' && name) {
    const discarded = await discardDeadLetters(url, resolveDeadLetterQueue(name), { limit });
    for (const message of discarded) process.stdout.write(`${JSON.stringify(message)}\n`);
    process.stderr.write(`discarded ${discarded.length} message(s)\n`);
  } else {
    fail(command ? `unknown command or missing queue: ${positionals.join(' ')}` : 'missing command');
  }
} catch (error) {
  process.stderr.write(`dlq: ${error.message}\n`);
  process.exit(1);
}
