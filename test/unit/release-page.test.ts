import { DateTime } from 'luxon';
import { relativeDays, releasePage, unknownCyclePage } from '../../src/insight/page';

/** The /release page as a pure function: everything from outside is escaped, links only http(s). */

const now = DateTime.fromISO('2026-07-06T09:00:00Z', { zone: 'utc' });
const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

describe('the release page', () => {
  const html = releasePage({
    version: '1.37',
    now,
    timeline: {
      version: '1.37',
      start: '2026-05-18T00:00:00.000Z',
      end: '2026-08-27T00:00:00.000Z',
      milestones: [
        {
          name: HOSTILE,
          at: '2026-07-23T12:00:00.000Z',
          end: '2026-07-23T12:00:00.000Z',
          who: HOSTILE,
          marker: { kind: 'freeze', label: HOSTILE },
        },
        { name: 'KubeCon Japan', at: '2026-07-28T00:00:00.000Z', end: '2026-07-31T00:00:00.000Z' },
      ],
    },
    burndown: { milestone: 'v1.37', fallback: `Open blockers in v1.37: 5 today; ${HOSTILE}`, error: HOSTILE },
    queue: [
      {
        repo: 'kubernetes/kubernetes',
        number: 1,
        title: HOSTILE,
        author: HOSTILE,
        url: 'javascript:alert(1)',
        branch: 'release-1.36',
        status: 'pending',
        openedAt: '2026-07-01T00:00:00Z',
      },
      {
        repo: 'kubernetes/kubernetes',
        number: 2,
        title: 'ok',
        author: 'me',
        url: 'https://github.com/kubernetes/kubernetes/pull/2',
        branch: 'release-1.35',
        status: 'approved',
        openedAt: '2026-07-01T00:00:00Z',
        decidedAt: '2026-07-05T10:00:00Z',
      },
    ],
    known: ['1.37', '1.36'],
    current: '1.37',
  });

  it('escapes every text from outside and links only http(s)', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img');
    expect(html).toContain('<a href="https://github.com/kubernetes/kubernetes/pull/2">');
  });

  it('says when, in UTC with days from today, and what the queue waits for', () => {
    expect(html).toContain('Thu 23 Jul 2026, 12:00 UTC</td><td>in 17 days');
    expect(html).toContain('Tue 28 Jul – Thu 30 Jul 2026');
    expect(html).toContain('approved yesterday, not merged yet');
    expect(html).toContain('pending a decision');
    expect(html).toContain('The chart could not be drawn just now');
  });

  it('answers an unknown version with the known cycles', () => {
    const page = unknownCyclePage(HOSTILE, ['1.37']);
    expect(page).not.toContain('<script>');
    expect(page).toContain('<li><a href="/release/1.37">v1.37</a></li>');
    expect(relativeDays('2026-07-06T23:00:00Z', now)).toBe('today');
    expect(relativeDays('2026-07-01T00:00:00Z', now)).toBe('5 days ago');
  });
});
