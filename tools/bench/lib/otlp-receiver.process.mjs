// The bench's OTLP receiver (otlp-span-counter.mjs) in a process of its own, forked by bench.mjs: its work
// neither competes with the load generator's event loop nor hides inside the bench's CPU, and its own CPU
// is measured apart.
import { startSpanCounter } from './otlp-span-counter.mjs';

const counter = await startSpanCounter();
process.on('message', async (message) => {
  if (message === 'count') process.send({ spans: counter.spans });
  if (message === 'stop') {
    await counter.stop();
    process.send({ spans: counter.spans, stopped: true }, () => process.exit(0));
  }
});
process.send({ url: counter.url });
