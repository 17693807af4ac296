import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { seedConfig, seedSlack } from '../../src/sandbox/seed';
import { SlackDriver } from '../../src/sandbox/slack/driver';
import { SlackEmulator } from '../../src/sandbox/slack/server';
import { spawnRelbot } from '../helpers/process';

/** The real entrypoint in a child process: start-up errors, and SIGTERM. */
describe('relbot process', () => {
  let dir: string;
  let slack: SlackEmulator;
  beforeAll(async () => {
    slack = new SlackEmulator();
    await slack.start();
    seedSlack(slack);
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relbot-proc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const baseEnv = () => ({
    SLACK_BOT_TOKEN: 'xoxb-proc',
    SLACK_SIGNING_SECRET: 'proc-secret',
    SLACK_API_URL: slack.apiUrl,
    GITHUB_API_URL: 'http://127.0.0.1:9',
    RELBOT_DB: join(dir, 'relbot.db'),
    RELBOT_CONFIG: join(dir, 'relbot.yaml'),
    PORT: '0',
  });

  it('a broken relbot.yaml stops start-up with a message naming the key', async () => {
    writeFileSync(join(dir, 'relbot.yaml'), stringify({ ...seedConfig(), timezone: 'Moon/Tranquility' }));
    const p = spawnRelbot(baseEnv());
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/timezone: an IANA time zone .*Moon\/Tranquility/);
  });

  it('with credentials required (the container image), missing Slack credentials are named and fatal', async () => {
    const p = spawnRelbot({ RELBOT_REQUIRE_CREDENTIALS: '1', RELBOT_DB: join(dir, 'x.db') });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toContain('SLACK_BOT_TOKEN');
    expect(p.stderr()).toContain('SLACK_SIGNING_SECRET');
  });

  it('serves a signed command, then drains and exits 0 on SIGTERM', async () => {
    writeFileSync(join(dir, 'relbot.yaml'), stringify(seedConfig()));
    const p = spawnRelbot(baseEnv());
    const started = await p.waitForLog((l) => l.msg === 'relbot started');
    const url = `http://127.0.0.1:${started.port}`;
    const driver = new SlackDriver({ relbotUrl: url, signingSecret: 'proc-secret', slack });
    const res = await driver.command('U03M6SD7CLE', '/cherrypick', 'help');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('/cherrypick help');
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(p.stdout()).toContain('relbot stopped');
  });
});

describe('test-only hooks', () => {
  it('are refused in a deployment (RELBOT_REQUIRE_CREDENTIALS=1)', async () => {
    const p = spawnRelbot({
      RELBOT_REQUIRE_CREDENTIALS: '1',
      RELBOT_TEST_NOW: '2026-06-01T00:00:00Z',
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: 'x',
      RELBOT_CONFIG: 'relbot.example.yaml',
      RELBOT_DB: join(tmpdir(), 'relbot-never-created.db'),
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toContain('test-only');
    expect(existsSync(join(tmpdir(), 'relbot-never-created.db'))).toBe(false);
  });
});
