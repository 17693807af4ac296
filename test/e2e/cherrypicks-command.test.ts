import { CHANNEL, people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import {
  actionIds,
  card,
  cards,
  cardText,
  REPO,
  startCherrypickHarness,
  allText as textOf,
  trackByCommand,
  url,
} from '../helpers/cherrypicks';
import type { Harness } from '../helpers/harness';

describe('/cherrypick <PR> over signed HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  const tracked = () => (h.db.prepare('SELECT COUNT(*) AS n FROM cherrypicks').get() as { n: number }).n;

  it('a good PR: reads it, answers ephemerally and posts exactly one card with gates and buttons', async () => {
    const res = await h.driver.command(people.member.id, '/cherrypick', url(CP.green136));
    expect(res.status).toBe(200);
    const body = res.body as { response_type: string };
    expect(body.response_type).toBe('ephemeral');
    const answer = textOf(res.body);
    expect(answer).toContain(`The card for ${REPO}#${CP.green136} is in <#${CHANNEL}>`);
    const c = card(h, CP.green136);
    const text = cardText(c);
    expect(text).toContain('kubelet: fix a panic when a pod has a nil security context');
    expect(text).toContain('aojea');
    expect(text).toContain('`release-1.36`');
    expect(text).toContain(`|#${CP.original}>`);
    expect(text).toContain(':white_check_mark: lgtm');
    expect(text).toContain(':white_check_mark: approved');
    expect(text).toContain('no failing checks');
    expect(text).toContain('all gates pass');
    expect(actionIds(c)).toEqual(['cherrypick_approve', 'cherrypick_reject']);
    // The same command again (and other spellings) refreshes, never posts a second card.
    for (const spelling of [`${REPO}#${CP.green136}`, `<${url(CP.green136)}/files>`, `#${CP.green136}`]) {
      const again = await h.driver.command(people.member2.id, '/cherrypick', spelling);
      expect(textOf(again.body)).toContain(`The card for ${REPO}#${CP.green136}`);
    }
    expect(cards(h, CP.green136)).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a PR on master is refused with the reason and the script to use; nothing is stored', async () => {
    const before = tracked();
    const res = await h.driver.command(people.member.id, '/cherrypick', url(CP.onMaster));
    const text = textOf(res.body);
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    expect(text).toContain('targets `master`, not a release branch');
    expect(text).toContain(`hack/cherry_pick_pull.sh upstream/release-1.XX ${CP.onMaster}`);
    expect(tracked()).toBe(before);
    expect(cards(h, CP.onMaster)).toHaveLength(0);
  });

  it('a closed PR and a merged PR are refused', async () => {
    const closed = textOf((await h.driver.command(people.member.id, '/cherrypick', url(CP.closed))).body);
    expect(closed).toContain(`${REPO}#${CP.closed} is closed`);
    const merged = textOf((await h.driver.command(people.member.id, '/cherrypick', url(CP.original))).body);
    expect(merged).toContain('already merged');
    expect(cards(h, CP.closed)).toHaveLength(0);
  });

  it('garbage gets a clear ephemeral error saying what to type instead', async () => {
    const cases: Array<[string, string]> = [
      ['garbage!!', 'is not a /cherrypick subcommand'],
      ['kubernetes/kubernetes#abc', 'not a pull request reference'],
      ['https://github.com/kubernetes/kubernetes/issues/5', 'issue URL'],
      ['https://github.com/kubernetes/kubernetes/tree/master', 'not a pull request'],
      ['kubernetes/website#1234', 'does not handle cherry-picks for `kubernetes/website`'],
      ['#999999', 'does not exist or is not a pull request'],
      [`${url(CP.green136)} ${url(CP.green135)}`, 'Give exactly one pull request'],
      ['list release-banana', 'is not a release branch'],
      ['audit', '`audit` needs one pull request'],
      ['<!channel>/x#1', 'not a pull request reference'],
    ];
    const before = tracked();
    for (const [input, expected] of cases) {
      const res = await h.driver.command(people.member.id, '/cherrypick', input);
      expect(res.status).toBe(200);
      expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
      const text = textOf(res.body);
      expect(text).toContain(expected);
      expect(text).not.toContain('<!channel>');
    }
    expect(tracked()).toBe(before);
  });

  it('escapes mrkdwn injection in a PR title on the card and in answers', async () => {
    h.github.addPull({
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: 140999,
      title: 'Automated cherry pick of #140998: <!channel> <@U123> & *bold* <https://evil.example|click>',
      body: 'Cherry pick of #140998 on release-1.36.',
      user: 'evil<@U999>',
      labels: ['lgtm', 'approved'],
      pull: { base: 'release-1.36' },
    });
    const res = await h.driver.command(people.member.id, '/cherrypick', `${REPO}#140999`);
    const c = card(h, 140999);
    for (const text of [cardText(c), textOf(res.body)]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@U123>');
      expect(text).not.toContain('<@U999>');
      expect(text).not.toContain('<https://evil.example');
      expect(text).toContain('&lt;!channel&gt;');
      expect(text).toContain('&lt;@U123&gt;');
      expect(text).toContain('&amp;');
      expect(text).toContain('*\u200bbold*\u200b');
    }
  });

  it('list shows pending picks oldest first with age and gates; a branch filter narrows it', async () => {
    await trackByCommand(h, people.member.id, CP.missingLgtm);
    await trackByCommand(h, people.member.id, CP.failingStatus);
    h.clock.advance({ days: 3 });
    const all = textOf((await h.driver.command(people.member.id, '/cherrypick', 'list')).body);
    const i136 = all.indexOf(`${REPO}#${CP.green136}`);
    const iLgtm = all.indexOf(`${REPO}#${CP.missingLgtm}`);
    const iFail = all.indexOf(`${REPO}#${CP.failingStatus}`);
    expect(i136).toBeGreaterThan(-1);
    expect(i136).toBeLessThan(iLgtm);
    expect(iLgtm).toBeLessThan(iFail);
    expect(all).toContain('the `lgtm` label is missing');
    expect(all).toContain('`pull-kubernetes-e2e-gce` (failure)');
    expect(all).toMatch(/1[0-9]d old/);
    const only135 = textOf((await h.driver.command(people.member.id, '/cherrypick', 'list 1.35')).body);
    expect(only135).toContain(`${REPO}#${CP.failingStatus}`);
    expect(only135).not.toContain(`${REPO}#${CP.green136}`);
    const none = textOf((await h.driver.command(people.member.id, '/cherrypick', 'list release-1.20')).body);
    // No pick was ever seen on release-1.20 and there is no schedule: not "nothing waiting", an error.
    expect(none).not.toContain('No cherry-picks are waiting');
    expect(none).toContain('relbot does not know `release-1.20`.');
    expect(none).toContain('Branches relbot knows, closest first: `release-1.35`, `release-1.36`.');
  });
});
