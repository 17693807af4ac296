/**
 * The sandbox page's renderer, as the browser script it is (a String.raw template: no `${` and
 * no backticks inside; \x60 stands for a backtick). It turns Slack mrkdwn and Block Kit into HTML
 * the way Slack shows them: `<@U…>` as @person, `<!subteam^S…>` as the group's @handle, `<#C…>`
 * as #channel, `<!date^…>` in the viewer's time zone, links, *bold*, _italic_, ~strike~, `code`,
 * code blocks, > quotes, • lists and :emoji: shortcodes. It reads the page's `state` (names,
 * groups, channels, tz, now) and `EMOJI`; test/sandbox/page-render.test.ts runs it in node.
 */
export const RENDER_SCRIPT = String.raw`
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
// Slack text arrives with & < > as entities: keep those, escape anything else.
const escKeep = (s) => String(s ?? '').replace(/&(?!(?:amp|lt|gt|quot|#\d+);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unent = (s) => String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const emojify = (html) => html.replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] ? '<span class="emo" title=":' + n + ':">' + EMOJI[n] + '</span>' : m);

function ordinal(n) {
  const t = n % 100, o = n % 10;
  return n + (t >= 11 && t <= 13 ? 'th' : o === 1 ? 'st' : o === 2 ? 'nd' : o === 3 ? 'rd' : 'th');
}
/** Slack's <!date^epoch^format^link|fallback> tokens, in the viewer's time zone. */
function slackDate(epoch, format, tz, nowIso) {
  const d = new Date(epoch * 1000);
  const fmt = (o, x) => new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: tz }, o)).format(x || d);
  const ymd = (x) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(x);
  const day = Number(fmt({ day: 'numeric' })), year = fmt({ year: 'numeric' });
  const T = {
    date_num: ymd(d),
    date: fmt({ month: 'long' }) + ' ' + ordinal(day) + ', ' + year,
    date_short: fmt({ month: 'short' }) + ' ' + day + ', ' + year,
    date_long: fmt({ weekday: 'long' }) + ', ' + fmt({ month: 'long' }) + ' ' + ordinal(day) + ', ' + year,
    time: fmt({ hour: 'numeric', minute: '2-digit' }),
    time_secs: fmt({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
  };
  const now = nowIso ? new Date(nowIso) : new Date();
  const rel = ymd(d) === ymd(now) ? 'today' : ymd(d) === ymd(new Date(now.getTime() + 864e5)) ? 'tomorrow' : ymd(d) === ymd(new Date(now.getTime() - 864e5)) ? 'yesterday' : '';
  T.date_pretty = rel || T.date;
  T.date_short_pretty = rel || T.date_short;
  T.date_long_pretty = rel || T.date_long;
  return format.replace(/\{(\w+)\}/g, (m, k) => T[k] ?? m);
}

/** One <…> token of Slack text as HTML. */
function token(inner) {
  const st = typeof state === 'object' && state ? state : {};
  const bar = inner.indexOf('|');
  const head = bar < 0 ? inner : inner.slice(0, bar), label = bar < 0 ? '' : inner.slice(bar + 1);
  const mention = (t) => '<span class="mention">' + t + '</span>';
  if (head.startsWith('@')) return mention('@' + esc((st.names || {})[head.slice(1)] || label || head.slice(1)));
  if (head.startsWith('#')) return mention('#' + esc((st.channels || {})[head.slice(1)] || label || head.slice(1)));
  if (head.startsWith('!subteam^')) { const id = head.slice(9); return mention('@' + esc((st.groups || {})[id] || label.replace(/^@/, '') || id)); }
  if (head.startsWith('!date^')) {
    const p = head.split('^');
    const epoch = Number(p[1]);
    if (!Number.isFinite(epoch) || !p[2]) return escKeep(label);
    let text;
    try { text = esc(slackDate(epoch, unent(p[2]), st.tz || 'UTC', st.now)); } catch { text = escKeep(label); }
    const title = esc(new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'));
    return p[3] ? '<a class="date" title="' + title + '" href="' + escKeep(p[3]) + '" target="_blank" rel="noopener">' + text + '</a>' : '<span class="date" title="' + title + '">' + text + '</span>';
  }
  if (head === '!here' || head === '!channel' || head === '!everyone') return mention('@' + head.slice(1));
  if (head.startsWith('!')) return mention('@' + esc(label || head.slice(1)));
  const url = unent(head);
  const safe = /^(https?:|mailto:)/i.test(url) ? url : '#';
  return '<a href="' + esc(safe) + '" target="_blank" rel="noopener">' + (label ? emojify(escKeep(label)) : esc(url)) + '</a>';
}

/** Bold, italic and strikethrough inside one line of escaped HTML (not inside words, as Slack). */
function inline(s) {
  const wrap = (mark, tag) => {
    const m = mark === '*' ? '\\*' : mark;
    const re = new RegExp('(^|[^\\w' + m + '])' + m + '(?=\\S)([^' + m + '\\n]*?\\S|\\S)' + m + '(?=$|[^\\w' + m + '])', 'g');
    s = s.replace(re, '$1<' + tag + '>$2</' + tag + '>');
  };
  wrap('*', 'b'); wrap('_', 'i'); wrap('~', 's');
  return emojify(s);
}

/** Slack mrkdwn to HTML. */
function mrkdwn(text) {
  const keep = [];
  const hold = (html) => { keep.push(html); return '\u0000' + (keep.length - 1) + '\u0000'; };
  let s = String(text ?? '');
  s = s.replace(/\x60\x60\x60\n?([\s\S]*?)\x60\x60\x60/g, (_, c) => hold('<pre class="code">' + escKeep(c.replace(/\n$/, '')) + '</pre>'));
  s = s.replace(/\x60([^\x60\n]+)\x60/g, (_, c) => hold('<code>' + escKeep(c) + '</code>'));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => hold(token(inner)));
  const out = [];
  let quote = [];
  const flush = () => { if (quote.length) { out.push({ block: '<blockquote>' + quote.join('<br>') + '</blockquote>' }); quote = []; } };
  for (const line of s.split('\n')) {
    const q = /^(?:&gt;|>) ?(.*)$/.exec(line);
    if (q) { quote.push(inline(escKeep(q[1]))); continue; }
    flush();
    const li = /^(\s*)([•◦▪‣]|\d+\.)\s+(.*)$/.exec(line);
    if (li) out.push({ block: '<div class="li" style="--depth:' + Math.min(3, Math.floor(li[1].length / 2)) + '"><span class="bullet">' + esc(li[2]) + '</span>' + inline(escKeep(li[3])) + '</div>' });
    else if (/^\u0000\d+\u0000$/.test(line) && keep[Number(line.slice(1, -1))].startsWith('<pre')) out.push({ block: line });
    else out.push({ line: inline(escKeep(line)) });
  }
  flush();
  let html = '';
  out.forEach((o, i) => {
    if (o.block) html += o.block;
    else html += o.line + (i < out.length - 1 && !out[i + 1].block ? '<br>' : '');
  });
  for (let i = 0; i < 3; i++) html = html.replace(/\u0000(\d+)\u0000/g, (_, n) => keep[Number(n)]);
  return html;
}

/** A text object: mrkdwn, or plain_text (whose :emoji: Slack also shows). */
const txt = (o) => !o ? '' : o.type === 'mrkdwn' ? mrkdwn(o.text) : emojify(esc(o.text)).replace(/\n/g, '<br>');
`;
