/**
 * WebSocket churn for the soak, in its own process: `parallel` loops, each opening a WebSocket
 * through jitgate to the upstream's echo, exchanging a few messages, closing it and starting
 * over, until `seconds` have passed. Input: BENCH_WS_CHURN = {"url","headers","parallel",
 * "seconds","messages"} (JSON). Output: one JSON line {opened, echoed, failed} on stdout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

interface ChurnInput {
  url: string;
  headers: Record<string, string>;
  parallel: number;
  seconds: number;
  messages: number;
}

const input = JSON.parse(process.env.BENCH_WS_CHURN ?? '{}') as ChurnInput;
const end = Date.now() + input.seconds * 1000;
let opened = 0;
let echoed = 0;
let failed = 0;

function oneSocket(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(input.url, { headers: input.headers, handshakeTimeout: 10_000 });
    let left = input.messages;
    const done = () => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      resolve();
    };
    ws.once('open', () => {
      opened++;
      ws.send(`message ${left}`);
    });
    ws.on('message', () => {
      echoed++;
      if (--left > 0) ws.send(`message ${left}`);
      else ws.close(1000);
    });
    ws.once('close', done);
    ws.once('error', () => {
      failed++;
      done();
    });
  });
}

await Promise.all(
  Array.from({ length: input.parallel }, async () => {
    while (Date.now() < end) {
      await oneSocket();
      await sleep(50);
    }
  }),
);
process.stdout.write(JSON.stringify({ opened, echoed, failed }) + '\n');
