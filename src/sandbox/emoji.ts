import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CustomRoute } from '@slack/bolt';
import { sendText } from '../http';

/**
 * Emoji for the sandbox page: the shortcodes relbot's messages use (grep `:[a-z_]+:` in src/ and
 * commands/) as Unicode, and Noto Color Emoji (the @infolektuell/noto-color-emoji npm package: COLRv1, which Chromium draws;
 * SIL Open Font License 1.1) served from node_modules, so even a headless browser without colour
 * emoji fonts shows them as Slack does.
 */
export const EMOJI: Record<string, string> = {
  warning: '⚠️',
  chart_with_downwards_trend: '📉',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  rotating_light: '🚨',
  lock: '🔒',
  information_source: 'ℹ️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  test_tube: '🧪',
  calendar: '📆',
  date: '📅',
  spiral_calendar_pad: '🗓️',
  tada: '🎉',
  scissors: '✂️',
  new: '🆕',
  leftwards_arrow_with_hook: '↩️',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  white_circle: '⚪',
  red_circle: '🔴',
  small_blue_diamond: '🔹',
  point_right: '👉',
  pencil2: '✏️',
  memo: '📝',
  mega: '📣',
  loudspeaker: '📢',
  grey_question: '❔',
  double_vertical_bar: '⏸️',
  ballot_box_with_check: '☑️',
  arrows_counterclockwise: '🔄',
  repeat: '🔁',
  alarm_clock: '⏰',
  bell: '🔔',
  cherries: '🍒',
  clock3: '🕒',
  arrow_right: '➡️',
  arrow_up: '⬆️',
  busts_in_silhouette: '👥',
  zzz: '💤',
  fire: '🔥',
  construction: '🚧',
  pushpin: '📌',
  label: '🏷️',
  ice_cube: '🧊',
  snowflake: '❄️',
  rocket: '🚀',
  ship: '🚢',
  package: '📦',
  email: '📧',
  envelope: '✉️',
  mailbox_with_mail: '📬',
  thumbsup: '👍',
  '+1': '👍',
  heavy_plus_sign: '➕',
  heavy_minus_sign: '➖',
  small_red_triangle_down: '🔻',
  eyes: '👀',
  wave: '👋',
  sparkles: '✨',
};

/** The font package's folder, or undefined when it is not installed (the page then falls back to system fonts). */
function fontDir(): string | undefined {
  try {
    return dirname(require.resolve('@infolektuell/noto-color-emoji/package.json'));
  } catch {
    return undefined;
  }
}

/** GET /sandbox/emoji.css (the package's @font-face rules, pointing here) and its font files. */
export function emojiRoutes(): CustomRoute[] {
  const dir = fontDir();
  return [
    {
      path: '/sandbox/emoji.css',
      method: ['GET'],
      handler: (_req, res) => {
        if (!dir)
          return sendText(res, 404, '/* @infolektuell/noto-color-emoji is not installed */', 'text/css');
        const css = readFileSync(join(dir, 'index.css'), 'utf8').replace(
          /url\(\.\/files\//g,
          'url(/sandbox/emoji/',
        );
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=86400' });
        res.end(css);
      },
    },
    {
      path: '/sandbox/emoji/:file',
      method: ['GET'],
      handler: (req, res) => {
        const file = String((req as { params?: Record<string, string> }).params?.file ?? '');
        if (!dir || !/^[\w-]+\.woff2?$/.test(file)) return sendText(res, 404, 'not found');
        let body: Buffer;
        try {
          body = readFileSync(join(dir, 'files', file));
        } catch {
          return sendText(res, 404, 'not found');
        }
        res.writeHead(200, {
          'content-type': file.endsWith('.woff2') ? 'font/woff2' : 'font/woff',
          'cache-control': 'max-age=86400',
        });
        res.end(body);
      },
    },
  ];
}
