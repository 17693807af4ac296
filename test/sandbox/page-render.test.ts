import { runInNewContext } from 'node:vm';
import { EMOJI } from '../../src/sandbox/emoji';
import { RENDER_SCRIPT } from '../../src/sandbox/page-render';

/** The sandbox page's renderer, run in node as the browser runs it. */
function renderer(state: Record<string, unknown>) {
  const ctx: Record<string, unknown> = { EMOJI, state, Intl, Date, Number, String, Math, RegExp, Object };
  runInNewContext(`${RENDER_SCRIPT}; this.mrkdwn = mrkdwn; this.txt = txt;`, ctx);
  return ctx as { mrkdwn(t: string): string; txt(o: unknown): string };
}

const state = {
  names: { U1: 'tico88612' },
  groups: { S0RELMGRS: 'release-managers' },
  channels: { CJH2GBF7Y: 'release-management' },
  tz: 'Asia/Taipei',
  now: '2026-06-01T09:00:00.000Z',
};

describe('sandbox page renderer', () => {
  const { mrkdwn, txt } = renderer(state);

  it('resolves mentions, channels, user groups and links as Slack shows them', () => {
    const html = mrkdwn(
      '<@U1> <#CJH2GBF7Y> <!subteam^S0RELMGRS> <https://k8s.io/x?a=1&amp;b=2|the *docs*> <!here>',
    );
    expect(html).toContain('>@tico88612<');
    expect(html).toContain('>#release-management<');
    expect(html).toContain('>@release-managers<');
    expect(html).toContain('href="https://k8s.io/x?a=1&amp;b=2"');
    expect(html).toContain('>@here<');
    expect(html).not.toContain('subteam');
    expect(mrkdwn('<javascript:alert(1)|x>')).toContain('href="#"');
  });

  it('renders <!date> tokens in the viewer’s time zone', () => {
    // 2026-06-05T12:00:00Z is 20:00 in Taipei.
    const d = (fmt: string) => mrkdwn(`<!date^1780660800^${fmt}|fallback>`).replace(/<[^>]+>/g, '');
    expect(d('{date_num} {time}')).toBe('2026-06-05 8:00 PM');
    expect(d('{date_short}')).toBe('Jun 5, 2026');
    expect(d('{date}')).toBe('June 5th, 2026');
    expect(d('{date_long}')).toBe('Friday, June 5th, 2026');
    expect(d('{date_short_pretty}')).toBe('Jun 5, 2026');
    expect(mrkdwn('<!date^1780315200^{date_short_pretty} at {time}|x>').replace(/<[^>]+>/g, '')).toBe(
      'today at 8:00 PM',
    );
    expect(mrkdwn('<!date^oops^{date}|the fallback>')).toBe('the fallback');
  });

  it('renders mrkdwn: bold, italic, strike, code, code blocks, quotes, lists, emoji', () => {
    expect(mrkdwn('*bold* _it_ ~gone~ `a*b*`')).toBe('<b>bold</b> <i>it</i> <s>gone</s> <code>a*b*</code>');
    expect(mrkdwn('snake_case_name stays')).toBe('snake_case_name stays');
    expect(mrkdwn('```\nline *1*\n<x>\n```')).toBe('<pre class="code">line *1*\n&lt;x&gt;</pre>');
    expect(mrkdwn('&gt; quoted *a*\n&gt; more\nafter')).toBe(
      '<blockquote>quoted <b>a</b><br>more</blockquote>after',
    );
    expect(mrkdwn('• one\n• two')).toContain('<div class="li"');
    expect(mrkdwn(':warning: x :nope:')).toBe('<span class="emo" title=":warning:">⚠️</span> x :nope:');
    expect(mrkdwn('a &lt;b&gt; & "c"')).toBe('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(txt({ type: 'plain_text', text: ':tada: <b>' })).toBe(
      '<span class="emo" title=":tada:">🎉</span> &lt;b&gt;',
    );
  });
});
