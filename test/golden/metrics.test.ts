import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/run';
import { people } from '../../src/sandbox/seed';
import type { SlackDriver } from '../../src/sandbox/slack/driver';
import type { SlackEmulator } from '../../src/sandbox/slack/server';
import { ackOf, describeBookChecks, GoldenBook, sentSince } from '../helpers/golden';
import { startHarness } from '../helpers/harness';
import { startTempSandbox } from '../helpers/sandbox';

/**
 * Golden messages of `/release metrics`: the answers as the emulated Slack received them from the
 * sandbox (its seeded history, its fixed clock), written to test/golden/messages/metrics/.
 */

const book = new GoldenBook(join(__dirname, 'messages', 'metrics'), process.env.UPDATE_GOLDEN === '1');

async function record(kind: string, slack: SlackEmulator, driver: SlackDriver, text: string): Promise<void> {
  const mark = slack.calls.length;
  const res = await driver.command(people.member.id, '/release', text);
  book.record(kind, ackOf(res.ack) ?? sentSince(slack, mark).find((s) => s.via === 'response_url'));
}

describe('/release messages', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTempSandbox('relbot-golden-metrics-');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  test('the figures, the CSV, help and errors', async () => {
    const { slack, driver } = sandbox.ctx;
    const ask = (kind: string, text: string) => record(kind, slack, driver!, text);
    await ask('metrics.current', 'metrics');
    await ask('metrics.past-cycle', 'metrics 1.36');
    await ask('metrics.oldest-cycle', 'metrics 1.34');
    await ask('metrics.csv', 'metrics csv 1.36');
    await ask('metrics.help', 'help');
    await ask('metrics.error-unknown-version', 'metrics 1.73');
    await ask('metrics.error-not-a-version', 'metrics banana');
    await ask('metrics.error-csv-after-version', 'metrics 1.36 csv');
    await ask('metrics.error-extra-words', 'metrics csv 1.36 1.34');
    await ask('metrics.error-unknown-subcommand', 'metric');
    await ask('metrics.error-too-long', 'x'.repeat(4001));
    expect(book.kinds.size).toBe(11);
  });

  test('before any cycle is known', async () => {
    const h = await startHarness();
    try {
      await record('metrics.error-no-cycles', h.slack, h.driver, 'metrics');
    } finally {
      await h.stop();
    }
    expect(book.kinds.has('metrics.error-no-cycles')).toBe(true);
  });
});

describeBookChecks(book);
