/**
 * Escaping for text that came from outside (GitHub titles, user input) before it goes into Slack
 * mrkdwn. `&`, `<` and `>` become entities, so `<!channel>`, `<@U123>` and `<http://x|y>` are shown
 * as typed and cannot ping or link; mrkdwn control characters get a zero-width space after them so
 * `*bold*`, `_x_`, `~x~` and backticks show literally.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '$1\u200b');
}

/** Entity escaping only: for text inside code spans or where formatting should stay. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text fields (headers, buttons) do not parse mentions, but must fit their limit. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A Slack link whose label is escaped. */
export function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export const mention = (userId: string) => `<@${userId}>`;
