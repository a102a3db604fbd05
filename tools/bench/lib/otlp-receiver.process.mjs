// @plinth/testing's OtlpReceiver in a process of its own (forked by bench.mjs): decoding every export must
// neither compete with the load generator's event loop nor hide inside the bench's CPU, and its own CPU is
// measured apart (a real collector runs elsewhere). Keeps counts only, not the spans.
import { OtlpReceiver } from '@plinth/testing';

const receiver = await OtlpReceiver.start();
let spans = 0;
const flush = () => {
  spans += receiver.spans.length;
  receiver.spans.length = 0;
  receiver.rawRequests.length = 0;
};
const timer = setInterval(flush, 500);
process.on('message', async (message) => {
  flush();
  if (message === 'count') process.send({ spans });
  if (message === 'stop') {
    clearInterval(timer);
    await receiver.stop();
    process.send({ spans, stopped: true }, () => process.exit(0));
  }
});
process.send({ url: receiver.url });
