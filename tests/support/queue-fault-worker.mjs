// The built mediahook worker with one fault injected at the binding boundary, for the test of
// "the queue failing during a pull": the pull loops' queue producer (`EVENTS`) refuses its first
// `TEST_FAIL_QUEUE_SENDS` sends, as a failing Cloudflare Queue would. Everything else (the
// worker, its Durable Objects, the real local queue behind the producer) is the shipped one.
import worker, * as mediahook from "../../dist/worker/index.js";

let refused = 0;

/** Named like workerd's producer: the worker's Rust checks the binding's constructor name. */
class WorkerQueue {
  constructor(inner, limit) {
    this.inner = inner;
    this.limit = limit;
  }
  refuse() {
    if (refused >= this.limit) return false;
    refused++;
    return true;
  }
  async send(body, options) {
    if (this.refuse()) throw new Error("Queue send failed: injected by the test");
    return this.inner.send(body, options);
  }
  async sendBatch(messages, options) {
    if (this.refuse()) throw new Error("Queue send failed: injected by the test");
    return this.inner.sendBatch(messages, options);
  }
}

const withFailingQueue = (env) => {
  const queue = new WorkerQueue(env.EVENTS, Number(env.TEST_FAIL_QUEUE_SENDS ?? 0));
  return new Proxy(env, { get: (target, name) => (name === "EVENTS" ? queue : Reflect.get(target, name)) });
};

export class PullLoop extends mediahook.PullLoop {
  constructor(state, env) {
    super(state, withFailingQueue(env));
  }
}
// Every other Durable Object class of the worker, as it is.
export * from "../../dist/worker/index.js";
export default worker;
