import { join } from 'node:path';
import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { seedWriteBackRepos } from '../../src/sandbox/seed-write-back';
import { type Captured, describeBookChecks, GoldenBook } from '../helpers/golden';
import { type Harness, startHarness } from '../helpers/harness';
import {
  type Answer,
  addLeads,
  buttonValue,
  click,
  closedRound,
  seedUpstream137WithoutRyota,
  team137,
  teamConfig,
} from '../helpers/write-back';

/**
 * Golden files of the roster and user-group pull requests (`prs.*`): the offer on the publish
 * answer, the preview, the dry run, what a run opened, updated or could not do, and the refusals.
 * Driven through the real app against the emulated Slack and GitHub, like the catalogue.
 */

const book = new GoldenBook(join(__dirname, 'messages', 'prs'), process.env.UPDATE_GOLDEN === '1');
const lead = people.lead.id;
const got = (a: unknown): Captured => ({ via: 'response_url', payload: a as Record<string, unknown> });

describe('golden: /shadow prs', () => {
  let h: Harness;
  const command = async (user: string, text: string) =>
    (await h.driver.command(user, '/shadow', text)).body as Answer;

  beforeAll(async () => {
    h = await startHarness({ config: teamConfig });
    seedWriteBackRepos(h.github);
    addLeads(h);
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('records every message of the flow', async () => {
    seedUpstream137WithoutRyota(h);
    const cycle = closedRound(h, '1.37', team137);
    book.record('prs.error-not-published', got(await command(lead, 'prs')));
    book.record('prs.error-option', got(await command(lead, 'prs now')));
    book.record('prs.error-not-lead', got(await command(people.member.id, 'prs')));

    const published = await command(lead, 'publish');
    book.record('prs.publish-offer', got(published));
    book.record('prs.error-damaged-button', got(await click(h, lead, published, 'shadow_prs_preview', '{')));
    book.record('prs.dry-run', got(await click(h, lead, published, 'shadow_prs_dry_run')));
    const preview = await click(h, lead, published, 'shadow_prs_preview');
    book.record('prs.preview', got(preview));

    h.db
      .prepare(
        `INSERT INTO shadow_write_back (cycle_id, repo, branch, state, claimed_by, claimed_at, updated_at)
         VALUES (?, 'kubernetes/sig-release', 'relbot-bot:relbot/release-team-1.37', 'pending', ?, ?, ?)`,
      )
      .run(cycle, people.admin.id, '2026-12-01T08:58:00.000Z', '2026-12-01T08:58:00.000Z');
    book.record('prs.in-progress', got(await click(h, lead, preview, 'shadow_prs_confirm')));
    h.db.prepare('DELETE FROM shadow_write_back').run();

    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'POST', path: '/repos/kubernetes/community/pulls' },
    });
    const failed = await click(h, lead, preview, 'shadow_prs_confirm');
    book.record('prs.partial-failure', got(failed));
    book.record('prs.retried', got(await click(h, lead, failed, 'shadow_prs_confirm')));

    h.github.setFile(
      'kubernetes',
      'sig-release',
      'releases/release-1.37/release-team.md',
      fixture('release-team-1.37.md'),
      'master',
    );
    book.record('prs.preview-nothing-to-write', got(await command(lead, 'prs')));

    const ana = {
      role: 'Release Team Lead',
      id: 'U0ANA0001',
      name: 'Ana Lopez',
      github: 'ana-lopez',
      slack: 'Ana',
    };
    closedRound(h, '1.38', team137, [ana]);
    await command(lead, 'publish');
    const preview38 = await command(lead, 'prs');
    book.record('prs.preview-new-cycle', got(preview38));
    const stale = JSON.stringify({ c: cycle + 1, f: '00000000' });
    book.record(
      'prs.changed-since-preview',
      got(await click(h, lead, preview38, 'shadow_prs_confirm', stale)),
    );
    book.record('prs.opened', got(await click(h, lead, preview38, 'shadow_prs_confirm')));

    h.slack.addUser({ id: 'U09E646UPE3', name: 'kernel-kun', real_name: 'Tushar K Mittal' });
    const again = await command(lead, 'prs');
    book.record('prs.preview-update', got(again));
    expect(buttonValue(again, 'shadow_prs_confirm')).toBeDefined();
    book.record('prs.updated', got(await click(h, lead, again, 'shadow_prs_confirm')));
  });
});

describe('golden: /shadow prs without shadows.writeBack', () => {
  it('says how to set it up', async () => {
    const h = await startHarness();
    try {
      book.record('prs.error-not-configured', got((await h.driver.command(lead, '/shadow', 'prs')).body));
    } finally {
      await h.stop();
    }
  });
});

describeBookChecks(book);
