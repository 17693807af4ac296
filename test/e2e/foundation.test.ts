import { signSlackRequest } from '../../src/sandbox/slack/driver';
import { type Harness, SIGNING_SECRET, startHarness, textOf } from '../helpers/harness';

const COMMANDS = ['/schedule', '/cherrypick', '/blockers', '/shadow'];

describe('relbot over real HTTP (HTTP receiver)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('answers a signed /schedule help with its usage, ephemerally', async () => {
    const res = await h.driver.command('U03M6SD7CLE', '/schedule', 'help');
    expect(res.status).toBe(200);
    const body = res.body as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/schedule');
    expect(body.text).toContain('/schedule help');
  });

  it.each(COMMANDS)('%s answers empty text and help with usage', async (cmd) => {
    for (const text of ['', 'help', '  HELP  ']) {
      const res = await h.driver.command('U03M6SD7CLE', cmd, text);
      expect(res.status).toBe(200);
      expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
      expect(textOf(res.body)).toContain(`${cmd} help`);
    }
  });

  it.each(COMMANDS)('%s: an unknown subcommand gets an ephemeral error that shows the usage', async (cmd) => {
    const res = await h.driver.command('U03M6SD7CLE', cmd, 'frobnicate now');
    expect(res.status).toBe(200);
    const text = textOf(res.body);
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    expect(text).toContain('`frobnicate` is not a');
    expect(text).toContain(`${cmd} help`);
  });

  it('4,000 characters of unicode get an error with usage, not a crash', async () => {
    const blob = '🚀ünïcødé<!channel>'.repeat(250).slice(0, 4000);
    for (const cmd of COMMANDS) {
      const res = await h.driver.command('U03M6SD7CLE', cmd, blob);
      expect(res.status).toBe(200);
      const text = textOf(res.body);
      expect(text).toContain(`${cmd} help`);
      expect(text).not.toContain('<!channel>');
    }
    const longer = await h.driver.command('U03M6SD7CLE', '/schedule', 'x'.repeat(4001));
    expect(textOf(longer.body)).toContain('too long');
  });

  it('refuses unsigned, wrongly signed, stale and tampered requests with 401 and changes nothing', async () => {
    const before = {
      calls: h.slack.calls.length,
      outbox: h.db.prepare('SELECT COUNT(*) AS n FROM outbox').get(),
    };
    const body = h.driver.commandBody('U02GLF28LNM', '/schedule', 'help');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = await h.driver.post(body, {});
    const wrong = await h.driver.sendSigned(body, { secret: 'not-the-secret' });
    const stale = await h.driver.sendSigned(body, { ageSec: 6 * 60 });
    const tampered = await h.driver.post(body.replace('help', 'sync'), {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, now, body),
    });
    for (const r of [unsigned, wrong, stale, tampered]) expect(r.status).toBe(401);
    expect(h.slack.calls.length).toBe(before.calls);
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual(before.outbox);
  });

  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, mode: 'http' });
    await h.driver.command('U03M6SD7CLE', '/blockers', 'help');
    const metrics = await fetch(`${h.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/relbot_commands_total\{command="\/blockers",outcome="help"\} [1-9]/);
    expect(text).toContain('relbot_command_duration_seconds_bucket');
    expect(text).toContain('relbot_slack_calls_total{method="auth.test",outcome="ok"}');
    expect(text).toContain('relbot_github_requests_total');
  });
});

describe('relbot in Socket Mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'socket' });
    await h.slack.waitFor(() => h.slack.socketClients > 0);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('connects to the WebSocket and acks a slash-command envelope with the usage', async () => {
    expect(h.slack.callsTo('apps.connections.open').length).toBeGreaterThan(0);
    const payload = Object.fromEntries(
      new URLSearchParams(h.driver.commandBody('U03M6SD7CLE', '/shadow', 'help')),
    );
    const ack = (await h.slack.sendEnvelope('slash_commands', payload)) as {
      text: string;
      response_type: string;
    };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('/shadow help');
    const health = await fetch(`${h.url}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true, mode: 'socket' });
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
  });
});
