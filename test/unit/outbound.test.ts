import { WebClient } from '@slack/web-api';
import { ManualClock } from '../../src/clock';
import { openDb } from '../../src/db';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import { CHANNEL, seedSlack } from '../../src/sandbox/seed';
import { SlackEmulator } from '../../src/sandbox/slack/server';
import { OutboundQueue, OutboundQueueFull } from '../../src/slack/outbound';
import { Outbox } from '../../src/slack/outbox';

describe('outbound queue and outbox against the emulated Slack', () => {
  let slack: SlackEmulator;
  let client: WebClient;
  const log = createLogger({ level: 'silent' });
  beforeAll(async () => {
    slack = new SlackEmulator();
    await slack.start();
    seedSlack(slack);
    client = new WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    slack.clearFaults();
    slack.calls.length = 0;
    slack.messages.length = 0;
  });

  it('refuses new work when full instead of growing, and counts the refusal', async () => {
    const metrics = createMetrics({ defaults: false });
    const q = new OutboundQueue(client, log, metrics, { intervalMs: 1, maxPending: 5 });
    const accepted = Array.from({ length: 5 }, (_, i) =>
      q.send('chat.postMessage', { channel: CHANNEL, text: `m${i}` }),
    );
    await expect(q.send('chat.postMessage', { channel: CHANNEL, text: 'overflow' })).rejects.toBeInstanceOf(
      OutboundQueueFull,
    );
    await Promise.all(accepted);
    expect(slack.channelMessages(CHANNEL).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect((await metrics.registry.getSingleMetricAsString('relbot_outbound_rejected_total')).trim()).toMatch(
      / 1$/,
    );
    // Once drained, it takes work again.
    await q.send('chat.postMessage', { channel: CHANNEL, text: 'after' });
    expect(q.pending).toBe(0);
  });

  it('holds a channel for Retry-After on 429 and then delivers, once', async () => {
    const waits: number[] = [];
    const q = new OutboundQueue(client, log, undefined, {
      intervalMs: 1,
      sleep: async (ms) => void waits.push(ms),
    });
    slack.injectFault({ method: 'chat.postMessage', status: 429, retryAfter: 7, times: 2 });
    const res = await q.send('chat.postMessage', { channel: CHANNEL, text: 'after the limit' });
    expect(res.ok).toBe(true);
    expect(waits).toEqual([7000, 7000]);
    expect(slack.channelMessages(CHANNEL).map((m) => m.text)).toEqual(['after the limit']);
  });

  it('gives up after bounded 429 retries and reports the failure', async () => {
    const q = new OutboundQueue(client, log, undefined, {
      intervalMs: 1,
      maxRateLimitRetries: 2,
      sleep: async () => {},
    });
    slack.injectFault({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 10 });
    await expect(q.send('chat.postMessage', { channel: CHANNEL, text: 'never' })).rejects.toThrow();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
    expect(slack.channelMessages(CHANNEL)).toHaveLength(0);
  });

  it('keeps posts to one channel in order', async () => {
    const q = new OutboundQueue(client, log, undefined, { intervalMs: 1 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => q.send('chat.postMessage', { channel: CHANNEL, text: String(i) })),
    );
    expect(slack.channelMessages(CHANNEL).map((m) => m.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  describe('Outbox.postOnce', () => {
    const clock = new ManualClock('2026-07-01T00:00:00Z');
    const outbox = () =>
      new Outbox(
        openDb(':memory:'),
        new OutboundQueue(client, log, undefined, { intervalMs: 1 }),
        client,
        clock,
        log,
      );

    it('posts a key once however often it is asked', async () => {
      const o = outbox();
      const first = await o.postOnce('reminder:code-freeze:1d', CHANNEL, { text: 'Code Freeze tomorrow' });
      const second = await o.postOnce('reminder:code-freeze:1d', CHANNEL, { text: 'Code Freeze tomorrow' });
      expect(first.posted).toBe(true);
      expect(second).toEqual({ ...first, posted: false });
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
      expect(slack.channelMessages(CHANNEL)[0]!.metadata).toEqual({
        event_type: 'relbot_post',
        event_payload: { key: 'reminder:code-freeze:1d' },
      });
    });

    it('after a crash between post and record, adopts the posted message instead of posting again', async () => {
      const db = openDb(':memory:');
      const queue = new OutboundQueue(client, log, undefined, { intervalMs: 1 });
      const o = new Outbox(db, queue, client, clock, log);
      // Simulate the crash: the post reaches Slack, but the 'done' write never happens.
      const realPrepare = db.prepare.bind(db);
      const spy = jest.spyOn(db, 'prepare').mockImplementation((sql: string) => {
        if (sql.includes("SET state = 'done'")) throw new Error('process killed');
        return realPrepare(sql);
      });
      await expect(o.postOnce('digest:2026-07-01', CHANNEL, { text: 'Daily blockers' })).rejects.toThrow(
        'process killed',
      );
      spy.mockRestore();
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
      const again = await new Outbox(db, queue, client, clock, log).postOnce('digest:2026-07-01', CHANNEL, {
        text: 'Daily blockers',
      });
      expect(again.posted).toBe(false);
      expect(again.ts).toBe(slack.channelMessages(CHANNEL)[0]!.ts);
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
      expect(db.prepare('SELECT state FROM outbox WHERE key = ?').get('digest:2026-07-01')).toEqual({
        state: 'done',
      });
    });

    it('after a failed post, posts on the next attempt (nothing is lost)', async () => {
      const o = outbox();
      slack.injectFault({ method: 'chat.postMessage', error: 'fatal_error' });
      await expect(o.postOnce('k1', CHANNEL, { text: 'one' })).rejects.toThrow();
      expect(slack.channelMessages(CHANNEL)).toHaveLength(0);
      const r = await o.postOnce('k1', CHANNEL, { text: 'one' });
      expect(r.posted).toBe(true);
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    });

    it('DMs: looks up the IM channel before adopting', async () => {
      const o = outbox();
      const r = await o.postOnce('dm:1', 'U03M6SD7CLE', { text: 'You were accepted' });
      expect(r.channel).toBe('D03M6SD7CLE');
    });
  });
});
