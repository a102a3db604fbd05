// @plinth/testing's OtlpReceiver on its own thread: decoding every export would otherwise compete with
// autocannon on the bench's event loop and understate "tracing on". Keeps counts only, not the spans.
import { OtlpReceiver } from '@plinth/testing';
import { parentPort } from 'node:worker_threads';

const receiver = await OtlpReceiver.start();
let spans = 0;
const flush = () => {
  spans += receiver.spans.length;
  receiver.spans.length = 0;
  receiver.rawRequests.length = 0;
};
const timer = setInterval(flush, 500);
parentPort.on('message', async (message) => {
  flush();
  if (message === 'count') parentPort.postMessage({ spans });
  if (message === 'stop') {
    clearInterval(timer);
    await receiver.stop();
    parentPort.postMessage({ spans, stopped: true });
    parentPort.close();
  }
});
parentPort.postMessage({ url: receiver.url });
