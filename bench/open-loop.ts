import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Ask } from './askers';
import { sign } from './common';
import { percentile } from './load';

/**
 * The load driver of the time-to-answer figures, in the bench's parent process:
 * - `AnswerReceiver`: the bench-owned response_url endpoint. Every request gets its own
 *   response_url here, so an answer is matched to its request, and its arrival is timestamped
 *   with the same clock the request was sent with (performance.now() in this process).
 * - `openLoop`: requests leave on a fixed schedule (`rate` per second) whatever the answers do.
 * - `closedLoop`: `concurrency` askers, each asking again as soon as its answer arrived.
 * A request's ack time is send → HTTP answer; its time to answer is send → the answer at
 * response_url, or the ack when the answer came in the ack (relbot's answer cache).
 */

export interface Sample {
  label: string;
  sent: number;
  /** ms, send → ack; NaN when the request failed. */
  ack: number;
  /** ms, send → answer (the ack when answered in it); NaN when no answer arrived. */
  answer: number;
  inAck: boolean;
  busy: boolean;
  bytes: number;
  status: number;
}

interface Pending {
  resolve: (a: { at: number; bytes: number; busy: boolean }) => void;
}

export class AnswerReceiver {
  private server?: Server;
  private next = 0;
  private readonly waiting = new Map<string, Pending>();
  private readonly early = new Map<string, { at: number; bytes: number; busy: boolean }>();
  url = '';
  /** Every POST received (answers after the first to one response_url included). */
  posts = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        this.posts++;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        const id = (req.url ?? '').slice('/r/'.length);
        const body = Buffer.concat(chunks);
        const got = { at, bytes: body.length, busy: body.includes('relbot is busy') };
        const w = this.waiting.get(id);
        if (w) {
          this.waiting.delete(id);
          w.resolve(got);
        } else if (!this.early.has(id) && Number(id) >= 0) this.early.set(id, got);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A fresh response_url and a way to wait (at most `timeoutMs`) for its first answer. */
  issue(): {
    url: string;
    wait: (timeoutMs: number) => Promise<{ at: number; bytes: number; busy: boolean } | undefined>;
  } {
    const id = String(this.next++);
    return {
      url: `${this.url}/r/${id}`,
      wait: (timeoutMs) => {
        const early = this.early.get(id);
        if (early) {
          this.early.delete(id);
          return Promise.resolve(early);
        }
        return new Promise((resolve) => {
          const t = setTimeout(() => {
            this.waiting.delete(id);
            resolve(undefined);
          }, timeoutMs);
          this.waiting.set(id, {
            resolve: (a) => {
              clearTimeout(t);
              resolve(a);
            },
          });
        });
      },
    };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

/** One request: signs and sends it, resolves when its answer arrived (or timed out). */
export function ask(
  server: string,
  receiver: AnswerReceiver,
  a: Ask,
  answerTimeoutMs = 10_000,
): Promise<Sample> {
  const r = receiver.issue();
  const body = a.body(r.url);
  const headers = { ...sign(body), 'content-length': String(Buffer.byteLength(body)) };
  return new Promise<Sample>((resolve) => {
    const sent = performance.now();
    const fail = (status: number) =>
      resolve({
        label: a.label,
        sent,
        ack: Number.NaN,
        answer: Number.NaN,
        inAck: false,
        busy: false,
        bytes: 0,
        status,
      });
    const req = request(
      `${server}/slack/events`,
      { method: 'POST', agent, headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => fail(0));
        res.on('end', () => {
          const ackAt = performance.now();
          const status = res.statusCode ?? 0;
          if (status !== 200) return fail(status);
          const ackBody = Buffer.concat(chunks);
          const base = { label: a.label, sent, ack: ackAt - sent, status };
          if (ackBody.length > 0)
            return resolve({
              ...base,
              answer: ackAt - sent,
              inAck: true,
              busy: false,
              bytes: ackBody.length,
            });
          r.wait(answerTimeoutMs).then((got) =>
            resolve({
              ...base,
              answer: got ? got.at - sent : Number.NaN,
              inAck: false,
              busy: got?.busy ?? false,
              bytes: got?.bytes ?? 0,
            }),
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => fail(0));
    req.end(body);
  });
}

export interface LoopResult {
  mode: 'open' | 'closed';
  /** Requests per second asked (open) or askers (closed). */
  rate?: number;
  concurrency?: number;
  seconds: number;
  samples: Sample[];
  /** How late the sender was against its schedule, p99 (ms; open loop). */
  senderLagP99: number;
}

/** Requests leave on schedule: the i-th at start + i/rate, whatever the answers do. */
export async function openLoop(opts: {
  url: string;
  receiver: AnswerReceiver;
  rate: number;
  seconds: number;
  next: () => Ask;
}): Promise<LoopResult> {
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const started = performance.now();
  const inflight: Array<Promise<Sample>> = [];
  const lags: number[] = [];
  await new Promise<void>((done) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && started + i * interval <= now) {
        lags.push(now - (started + i * interval));
        inflight.push(ask(opts.url, opts.receiver, opts.next()));
        i++;
      }
      if (i >= total) return done();
      setTimeout(tick, Math.max(0, started + i * interval - performance.now()));
    };
    tick();
  });
  const samples = await Promise.all(inflight);
  lags.sort((a, b) => a - b);
  return {
    mode: 'open',
    rate: opts.rate,
    seconds: opts.seconds,
    samples,
    senderLagP99: percentile(lags, 99),
  };
}

/** `concurrency` askers, each asking again when its previous answer arrived, for `seconds`. */
export async function closedLoop(opts: {
  url: string;
  receiver: AnswerReceiver;
  concurrency: number;
  seconds: number;
  next: () => Ask;
}): Promise<LoopResult> {
  const end = performance.now() + opts.seconds * 1000;
  const samples: Sample[] = [];
  const worker = async () => {
    while (performance.now() < end) samples.push(await ask(opts.url, opts.receiver, opts.next(), 5000));
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { mode: 'closed', concurrency: opts.concurrency, seconds: opts.seconds, samples, senderLagP99: 0 };
}

export interface Figures {
  requests: number;
  answered: number;
  /** Answered in the ack (relbot's answer cache). */
  inAck: number;
  busy: number;
  failed: number;
  ackP50: number;
  ackP99: number;
  answerP50: number;
  answerP99: number;
  meanBytes: number;
}

/** Percentiles of a set of samples (answered = an answer arrived that was not "busy"). */
export function figures(samples: Sample[]): Figures {
  const acks = samples.map((s) => s.ack).filter((x) => !Number.isNaN(x));
  const good = samples.filter((s) => !Number.isNaN(s.answer) && !s.busy);
  const answers = good.map((s) => s.answer);
  acks.sort((a, b) => a - b);
  answers.sort((a, b) => a - b);
  return {
    requests: samples.length,
    answered: good.length,
    inAck: samples.filter((s) => s.inAck).length,
    busy: samples.filter((s) => s.busy).length,
    failed: samples.length - good.length,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    answerP50: percentile(answers, 50),
    answerP99: percentile(answers, 99),
    meanBytes: good.length ? good.reduce((s, x) => s + x.bytes, 0) / good.length : 0,
  };
}

/** Figures overall and per label. */
export function byLabel(samples: Sample[], labels: string[]): Record<string, Figures> {
  const out: Record<string, Figures> = { overall: figures(samples) };
  for (const l of labels) out[l] = figures(samples.filter((s) => s.label === l));
  return out;
}
