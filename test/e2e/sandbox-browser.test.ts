import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/run';
import { people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { launchChromium } from '../helpers/browser';
import { startTempSandbox } from '../helpers/sandbox';

/**
 * The local sandbox in a real browser (Chromium from npm, driven by playwright-core): a person uses
 * every feature through the page, and every action travels as a signed Slack request to relbot.
 */
const SHOTS = join(__dirname, '..', '..', 'test-results');

describe('local sandbox in headless Chromium', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let nativeDialogs = 0;

  beforeAll(async () => {
    sandbox = await startTempSandbox('relbot-sandbox-');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('dialog', (d) => {
      nativeDialogs += 1;
      void d.accept();
    });
    await page.goto(`${sandbox.url}/`);
    await page.waitForSelector('#who option', { state: 'attached' });
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const be = async (userId: string) => {
    await page.selectOption('#who', userId);
    expect(await page.inputValue('#who')).toBe(userId);
  };
  const run = async (command: string) => {
    await page.fill('#cmd', command);
    await page.press('#cmd', 'Enter');
  };
  const lastMessage = () => page.locator('#feed .msg').last();
  const shot = async (name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  it('listens on 127.0.0.1 only (whoever reaches it can act as an admin)', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(sandbox.url).port;
    expect((await fetch(`${sandbox.url}/healthz`)).status).toBe(200);
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) await expect(fetch(`http://${other.address}:${port}/healthz`)).rejects.toThrow();
  });

  it('shows the schedule in the viewer’s time zone', async () => {
    await be(people.member.id);
    const before = await page.locator('#feed .msg').count();
    await run('/schedule');
    const answer = lastMessage();
    await answer.getByText('What is next').waitFor();
    // One answer, not the response_url post twice.
    await page.waitForTimeout(1700);
    expect(await page.locator('#feed .msg').count()).toBe(before + 1);
    expect(await page.locator('#feed .msg.ephemeral', { hasText: 'What is next' }).count()).toBe(1);
    await answer.getByText('Only visible to you').waitFor();
    expect(await answer.innerText()).toMatch(/Kubernetes v1\.37/);
    expect(await answer.innerText()).toMatch(/Asia\/Taipei/);
    await shot('schedule');
  });

  it('answers an unknown command as Slack does', async () => {
    await be(people.member.id);
    await run('/foo bar');
    const answer = page.locator('#feed .msg.ephemeral', { hasText: 'is not a valid command' }).last();
    await answer.waitFor();
    expect(await answer.innerText()).toContain(
      '/foo is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.',
    );
    expect(await answer.locator('.meta').innerText()).toContain('Slackbot');
  });

  it('refuses an Approve by a non-approver, then an approver approves and GitHub gets the label', async () => {
    await be(people.member.id);
    await run(`/cherrypick kubernetes/kubernetes#${CP.green136}`);
    await lastMessage().getByText(`#${CP.green136}`).first().waitFor();
    const card = page
      .locator('#feed .msg:not(.ephemeral)', { hasText: `#${CP.green136}` })
      .filter({ has: page.getByRole('button', { name: 'Approve', exact: true }) })
      .first();
    // A Slack-style confirmation in the page (not the browser's confirm()): Cancel sends nothing.
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.locator('h3').innerText()).toBe('Approve this cherry-pick?');
    expect(await dialog.locator('.confirm-text code').innerText()).toBe('cherry-pick-approved');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForTimeout(300);
    expect(await page.locator('#feed .msg.ephemeral', { hasText: 'can approve' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await shot('confirm');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.locator('#feed .msg.ephemeral', { hasText: 'can approve' }).last().waitFor();
    expect(await page.locator('#github').innerText()).not.toContain('labels');

    await be(people.approver.id);
    const approverCard = page
      .locator('#feed .msg:not(.ephemeral)', { hasText: `#${CP.green136}` })
      .filter({ has: page.getByRole('button', { name: 'Approve', exact: true }) })
      .first();
    await approverCard.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.locator('#feed .msg:not(.ephemeral)', { hasText: 'Approved by' }).first().waitFor();
    expect(nativeDialogs).toBe(0);
    await page.locator('#github', { hasText: `/issues/${CP.green136}/labels` }).waitFor();
    expect(await page.locator('#github').innerText()).toContain('cherry-pick-approved');
    await shot('approved');
  });

  it('opens with shadow applications open, and takes one through the modal', async () => {
    await be(people.member.id);
    await page
      .locator('#feed .msg', { hasText: '1.38' })
      .getByRole('button', { name: /Apply/ })
      .first()
      .waitFor();
    await run('/shadow apply');
    await page.locator('#modal').waitFor({ state: 'visible' });
    // Submitting with fields missing shows field-level errors and keeps what was typed.
    await page.getByLabel('GitHub handle').fill('tico88612');
    await page.click('#modal-submit');
    await page.locator('#modal .err').first().waitFor();
    await page.waitForTimeout(1700); // a poll of the page's state in between
    expect(await page.getByLabel('GitHub handle').inputValue()).toBe('tico88612');
    await page.getByLabel('First choice role').selectOption({ label: 'Docs' });
    await page.getByLabel('Hours per week you can give').fill('8');
    await page.locator('#modal input[type=radio][value="no"]').check();
    await page
      .getByLabel(/Why/)
      .fill('I want to learn how Kubernetes docs are released, and help the Docs team.');
    await shot('apply-modal');
    await page.click('#modal-submit');
    await page.locator('#modal-wrap').waitFor({ state: 'hidden' });
    const shown = await page.locator('#feed .msg').count();
    await run('/shadow status');
    await page.locator('#feed .msg').nth(shown).waitFor();
    expect(await lastMessage().innerText()).toMatch(/Docs/);
    expect(await page.locator('#feed .msg').count()).toBe(shown + 1);
  });

  it('advancing the sandbox clock fires a reminder into the channel', async () => {
    const before = await page.locator('#feed .msg:not(.ephemeral)').count();
    for (const day of ['02', '03', '04', '05', '06']) {
      await page.getByRole('button', { name: '+1 day' }).click();
      await page.locator('#clock', { hasText: `2026-06-${day}` }).waitFor();
    }
    await page
      .locator('#feed .msg:not(.ephemeral)', { hasText: /cherry-pick deadline|Freeze|in effect/i })
      .first()
      .waitFor();
    expect(await page.locator('#feed .msg:not(.ephemeral)').count()).toBeGreaterThan(before);
    expect(await page.locator('#clock').innerText()).toMatch(/2026-06-06/);
    // The patch deadline reminders mention the release managers' user group by its handle.
    const reminder = page
      .locator('#feed .msg:not(.ephemeral)', { hasText: /Cherry-pick deadline/ })
      .filter({ has: page.locator('.mention') })
      .last();
    expect(await reminder.locator('.mention').allInnerTexts()).toContain('@release-managers');
    expect(await reminder.innerText()).not.toMatch(/subteam|<!|S0RELMGRS/);
    // Emoji shortcodes are emoji, drawn by the emoji font the sandbox serves.
    const emoji = reminder.locator('.emo').first();
    expect(await emoji.innerText()).toBe('⏰');
    await page.evaluate('document.fonts.ready');
    const drawn = await emoji.evaluate((el) => {
      const w = globalThis as unknown as {
        getComputedStyle(e: unknown): { fontFamily: string };
        document: { fonts: { check(font: string, text: string): boolean } };
      };
      return {
        family: w.getComputedStyle(el).fontFamily,
        width: el.getBoundingClientRect().width,
        loaded: w.document.fonts.check('16px "Noto Color Emoji"', '\u23f0'),
      };
    });
    expect(drawn.family).toContain('Noto Color Emoji');
    expect(drawn.width).toBeGreaterThan(0);
    expect(drawn.loaded).toBe(true);
    // In one step inside the page: the feed re-renders on each poll, so a located element can be
    // replaced between finding it and scrolling to it.
    await page.evaluate(
      "(() => { const m = document.querySelectorAll('#feed .msg'); m[m.length - 1]?.scrollIntoView({ block: 'end' }); })()",
    );
    await shot('main');
  });

  it('+1 week is time passing: every reminder and digest on the way, in order, each at its own time', async () => {
    const channelPosts = () =>
      page
        .locator('#feed .msg:not(.ephemeral):not(.dm)')
        .evaluateAll((els) =>
          els.map((e) => ({ ts: e.getAttribute('data-ts') ?? '', text: e.textContent ?? '' })),
        );
    const before = (await channelPosts()).length;
    await page.getByRole('button', { name: '+1 week' }).click();
    // Waiting, not timing: tests must pass on a slow, busy machine (the walk's speed is not asserted).
    await page.locator('#clock', { hasText: '2026-06-13' }).waitFor({ timeout: 120_000 });
    // The page refreshes once the walk is done: the clock shows the end only with every post there.
    const posts = (await channelPosts()).slice(before);
    const secs = posts.map((p) => Number(p.ts.split('.')[0]));
    expect(secs).toEqual([...secs].sort((a, b) => a - b));
    const day = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 10);
    const digests = posts.flatMap((p, i) => (/Daily blocker digest/.test(p.text) ? [day(secs[i]!)] : []));
    expect(digests).toEqual(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12']);
    const prr = posts.filter((p) => /Begin Production Readiness Freeze/.test(p.text)).map((p) => p.text);
    expect(prr.map((t) => /is in 1 day|is in 1 hour|now in effect/.exec(t)?.[0])).toEqual([
      'is in 1 day',
      'is in 1 hour',
      'now in effect',
    ]);
  }, 180_000);

  it('shows a DM from relbot in its own pane, apart from the channel', async () => {
    await be(people.lead.id);
    await run('/shadow close');
    await page
      .locator('#feed .msg', { hasText: /closed/i })
      .last()
      .waitFor();
    await run('/shadow publish');
    const decline = page.getByRole('button', { name: /Decline the undecided/ }).last();
    await decline.click();
    await page.getByRole('alertdialog').waitFor();
    await page.click('#confirm-ok');
    await page.getByRole('alertdialog').waitFor({ state: 'hidden' });
    await be(people.member.id);
    await page.locator('#dm-unread', { hasText: /^\d+$/ }).waitFor();
    expect(await page.locator('#feed .msg.dm').count()).toBe(0);
    await page.click('#nav-dm');
    await page.locator('#feed .msg.dm').first().waitFor();
    expect(await page.locator('#conv-title').innerText()).toContain('relbot');
    expect(await page.locator('#feed .msg:not(.dm)').count()).toBe(0);
    expect(await page.locator('#feed').innerText()).toMatch(/v1\.38/);
    expect(await page.locator('#dm-unread').isVisible()).toBe(false);
    await shot('dm');
    await page.click('#nav-channel');
    await page.locator('#feed .msg:not(.dm)').first().waitFor();
  });

  it('is usable 760 px wide, with a favicon', async () => {
    const icon = await fetch(`${sandbox.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.ico');
    await page.setViewportSize({ width: 760, height: 900 });
    try {
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(760);
      for (const sel of ['#cmd', '#feed', '#nav-dm', '#who', '#github'])
        expect(await page.locator(sel).isVisible()).toBe(true);
      const feed = await page.locator('#feed').boundingBox();
      expect(feed!.width).toBeGreaterThan(480);
      await run('/schedule');
      await page.locator('#feed .msg.ephemeral', { hasText: 'What is next' }).last().waitFor();
      await shot('narrow');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });
});
