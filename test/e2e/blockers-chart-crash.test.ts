import { DateTime } from 'luxon';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, seedConfig, seedSlack } from '../../src/sandbox/seed';
import { seedBlockers } from '../../src/sandbox/seed-blockers';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { sharedFiles } from '../../src/sandbox/slack/files';
import { SlackEmulator } from '../../src/sandbox/slack/server';
import { ChildRelbot, until } from '../helpers/abuse-process';
import { allText } from '../helpers/blockers-text';

/**
 * The digest's chart upload under a real SIGKILL: the real entrypoint in a child process, the
 * emulated Slack holding one step of the upload while the child is killed, then a new child on the
 * same SQLite file. Killed after step 1 (the file_id recorded, the bytes never arrived) and after
 * step 3 (Slack shared the file, relbot never heard): one file in the channel each time.
 */

const HOLD_MS = 60_000;
const MON = 'blockers-digest:v1.37:2026-07-06T07:00:00.000Z:chart';
const TUE = 'blockers-digest:v1.37:2026-07-07T07:00:00.000Z:chart';

describe('SIGKILL in the middle of a chart upload', () => {
  let now = DateTime.fromISO('2026-07-06T07:01:00Z', { zone: 'utc' });
  const at = (iso: string) => {
    now = DateTime.fromISO(iso, { zone: 'utc' });
    return iso;
  };
  let slack: SlackEmulator;
  let github: GitHubEmulator;
  let child: ChildRelbot;
  beforeAll(async () => {
    slack = new SlackEmulator(() => now.toMillis());
    await slack.start();
    seedSlack(slack);
    github = new GitHubEmulator({ now: () => now.toJSDate() });
    await github.start();
    seedBlockers(github, { now: now.toJSDate() });
    seedSchedule(github);
    const config = seedConfig();
    config.blockers = { milestone: 'v1.37', digest: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' } };
    child = new ChildRelbot(slack, github, config);
  });
  afterAll(async () => {
    await child.dispose();
    await slack.stop();
    await github.stop();
  });

  /** The ledger row of `key` (undefined until the child has created and migrated its database). */
  const state = (key: string) => {
    try {
      return child.query<{ state: string; file_id: string | null }>(
        'SELECT state, file_id FROM slack_uploads WHERE key = ?',
        key,
      )[0];
    } catch {
      return undefined;
    }
  };
  const digests = () =>
    slack.channelMessages(CHANNEL).filter((m) => allText(m.blocks).includes('Daily blocker digest'));

  it('killed after step 1 and after step 3: after each restart, exactly one chart in the channel', async () => {
    // Monday: the digest is posted; Slack holds the byte upload (step 2) and the child is killed.
    slack.injectFault({ method: 'upload_url', delayMs: HOLD_MS });
    const first = child
      .start(at('2026-07-06T07:01:00Z'), ['schedule-sync', 'blockers-digest'])
      .catch((e: unknown) => e);
    await until(() => state(MON)?.state === 'url', 60000);
    await child.kill();
    expect(await first).toBeInstanceOf(Error);
    expect(digests()).toHaveLength(1);
    expect(sharedFiles(slack)).toHaveLength(0);
    expect(state(MON)!.file_id).toMatch(/^F/);

    // Restarted five minutes later: the digest is not posted again, the chart is uploaded afresh.
    await child.start(at('2026-07-06T07:06:00Z'), ['blockers-digest']);
    await child.stop();
    expect(digests()).toHaveLength(1);
    expect(sharedFiles(slack, CHANNEL)).toHaveLength(1);
    expect(state(MON)!.state).toBe('done');

    // Tuesday: Slack applies the completion (step 3) and holds its answer; the child is killed.
    slack.injectFault({ method: 'files.completeUploadExternal', holdResponseMs: HOLD_MS });
    const second = child.start(at('2026-07-07T07:01:00Z'), ['blockers-digest']).catch((e: unknown) => e);
    await slack.waitFor(() => sharedFiles(slack).length === 2, 60000);
    await child.kill();
    expect(await second).toBeInstanceOf(Error);
    expect(state(TUE)!.state).toBe('completing');

    // Restarted: relbot finds its file in the channel's history and does not complete again.
    const completions = slack.callsTo('files.completeUploadExternal').length;
    await child.start(at('2026-07-07T07:06:00Z'), ['blockers-digest']);
    await child.stop();
    expect(state(TUE)!.state).toBe('done');
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(completions);
    expect(sharedFiles(slack, CHANNEL)).toHaveLength(2);
    expect(digests()).toHaveLength(2);
  });
});
