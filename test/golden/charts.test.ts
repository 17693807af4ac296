import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { seedBlockers, seedTestgrid } from '../../src/sandbox/seed-blockers';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { revokeScope } from '../../src/sandbox/slack/files';
import { ackOf, type Captured, describeBookChecks, GoldenBook, sentSince, type Via } from '../helpers/golden';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Golden messages of the burndown chart (issue 16): the digest with its chart line, the chart's
 * upload (the comment and alt text Slack shows with the image), and `/blockers chart`'s answers
 * and errors. Written with `UPDATE_GOLDEN=1 npx jest test/golden/charts.test.ts`.
 */

const book = new GoldenBook(join(__dirname, 'messages', 'charts'), process.env.UPDATE_GOLDEN === '1');

/** The upload as Slack shows it: files.completeUploadExternal's comment, with the alt text of step 1. */
function uploadSince(h: Harness, mark: number): Captured | undefined {
  const calls = h.slack.calls.slice(mark).filter((c) => c.ok);
  const complete = calls.find((c) => c.method === 'files.completeUploadExternal');
  const url = calls.filter((c) => c.method === 'files.getUploadURLExternal').at(-1);
  if (!complete || !url) return undefined;
  const files = JSON.parse(String(complete.args.files)) as Array<{ title: string }>;
  return {
    // Not a chat method: the catalogue's Via does not list it, the text rendering shows it as is.
    via: 'files.completeUploadExternal' as unknown as Via,
    payload: {
      channel: complete.args.channel_id,
      text: complete.args.initial_comment,
      filename: url.args.filename,
      alt_text: url.args.alt_text,
      titles: files.map((f) => f.title),
    },
  };
}

describe('burndown chart messages', () => {
  let h: Harness;
  let gh: GitHubEmulator;
  const u = people.member.id;
  beforeAll(async () => {
    const clock = new ManualClock('2026-07-06T07:01:00Z');
    gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
    await gh.start();
    seedBlockers(gh, { now: clock.now().toJSDate() });
    seedSchedule(gh);
    const testgrid = seedTestgrid(gh);
    h = await startHarness({
      clock,
      github: gh,
      config: (raw) => {
        raw.blockers = {
          milestone: 'v1.37',
          testgrid: { baseUrl: testgrid.baseUrl, dashboards: testgrid.dashboards },
          digest: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
        };
      },
    });
    await h.relbot.jobs.run('schedule-sync');
  });
  afterAll(async () => {
    await h.stop();
    await gh.stop();
  });

  const command = async (text: string, channel = CHANNEL) => {
    const mark = h.slack.calls.length;
    const res = await h.driver.command(u, '/blockers', text, channel);
    await h.relbot.deps.outbound.drain();
    const sent = sentSince(h.slack, mark);
    return { answer: ackOf(res.ack) ?? sent.find((s) => s.via === 'response_url'), mark };
  };

  test('the digest with its chart, and /blockers chart', async () => {
    book.record('charts.error-no-digest-yet', (await command('chart')).answer);

    const mark = h.slack.calls.length;
    await h.relbot.jobs.run('blockers-digest');
    await h.relbot.deps.outbound.drain();
    book.record(
      'charts.digest',
      sentSince(h.slack, mark).find((s) => s.via === 'chat.postMessage'),
    );
    book.record('charts.digest-upload', uploadSince(h, mark));

    const shared = await command('chart v1.37 kind');
    book.record('charts.shared', shared.answer);
    book.record('charts.command-upload', uploadSince(h, shared.mark));

    h.slack.injectFault({ method: 'files.getUploadURLExternal', status: 503, times: 3 });
    book.record('charts.error-slack-down', (await command('chart')).answer);
    book.record('charts.error-channel', (await command('chart', 'C0NOSUCH')).answer);
    book.record('charts.error-bad-stack', (await command('chart v1.37 pie')).answer);
    book.record('charts.error-extra-words', (await command('chart v1.37 kind extra')).answer);
    book.record('charts.error-unknown-milestone', (await command('chart v1.99')).answer);
    revokeScope(h.slack, 'files:write');
    book.record('charts.error-missing-scope', (await command('chart')).answer);
  });
});

describeBookChecks(book);
