import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { burndownMilestones, burndownVersion, type PageBurndown, pageBurndown } from '../blockers/api/page';
import { cherryPickQueue, type QueuedPick } from '../cherrypicks/api/page';
import type { Deps } from '../deps';
import { sendText } from '../http';
import { type CycleTimeline, currentCycleVersion, cycleTimeline, knownCycles } from '../schedule/api/chart';

/**
 * The read-only release page, readable without Slack: GET /release (the current cycle) and
 * GET /release/<version> (e.g. /release/1.37). The cycle's schedule (UTC, with days from today),
 * the blocker burndown (inline SVG from the same renderer as the chart in Slack) and the
 * cherry-pick queue. Every text from outside (milestone names, PR titles, logins) is escaped; an
 * unknown version answers 404 with the cycles relbot knows.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only http(s) links become hrefs. */
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? escapeHtml(url) : '#');

export interface PageData {
  version: string;
  now: DateTime;
  timeline?: CycleTimeline;
  burndown: PageBurndown;
  queue: QueuedPick[];
  known: string[];
  current?: string;
}

/** An instant in UTC, or an all-day row's day(s) (`end` is the exclusive end of its last day). */
const utc = (iso: string, end?: string) => {
  const d = DateTime.fromISO(iso, { zone: 'utc' });
  if (!end) return d.toFormat("ccc d LLL yyyy, HH:mm 'UTC'");
  const last = DateTime.fromISO(end, { zone: 'utc' }).minus({ days: 1 });
  return last.toISODate()! > d.toISODate()!
    ? `${d.toFormat('ccc d LLL')} – ${last.toFormat('ccc d LLL yyyy')}`
    : d.toFormat('ccc d LLL yyyy');
};

/** "today", "in 3 days", "12 days ago" (UTC calendar days). */
export function relativeDays(iso: string, now: DateTime): string {
  const day = DateTime.fromISO(iso, { zone: 'utc' }).startOf('day');
  const n = Math.round(day.diff(now.toUTC().startOf('day'), 'days').days);
  if (n === 0) return 'today';
  if (n === 1) return 'tomorrow';
  if (n === -1) return 'yesterday';
  return n > 0 ? `in ${n} days` : `${-n} days ago`;
}

function scheduleSection(d: PageData): string {
  if (!d.timeline)
    return `<section><h2>Schedule</h2><p class="muted">The schedule of ${escapeHtml(d.version)} is not stored (yet): relbot imports it from the cycle's README with <code>/schedule sync</code>.</p></section>`;
  const rows = d.timeline.milestones.map((m) => {
    const allDay = m.end !== m.at;
    const past = Date.parse(allDay ? m.end : m.at) <= d.now.toMillis();
    const marker = m.marker ? ` <span class="tag ${m.marker.kind}">${escapeHtml(m.marker.label)}</span>` : '';
    return `<tr class="${past ? 'past' : ''}${m.marker ? ' key' : ''}"><td>${escapeHtml(m.name)}${marker}</td><td>${escapeHtml(m.who ?? '')}</td><td>${utc(m.at, allDay ? m.end : undefined)}</td><td>${relativeDays(m.at, d.now)}</td></tr>`;
  });
  return `<section><h2>Schedule</h2><table><thead><tr><th>Milestone</th><th>Who</th><th>When (UTC)</th><th>From today</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function burndownSection(d: PageData): string {
  const b = d.burndown;
  const chart = b.svg
    ? `<figure class="chart" role="img" aria-label="${escapeHtml(b.fallback)}">${b.svg}</figure>`
    : `<p class="muted">The chart could not be drawn just now (${escapeHtml(b.error ?? 'unknown error')}).</p>`;
  return `<section><h2>Blocker burndown</h2>${chart}<p>${escapeHtml(b.fallback)}</p></section>`;
}

function queueSection(d: PageData): string {
  if (d.queue.length === 0)
    return '<section><h2>Cherry-pick queue</h2><p class="muted">No cherry-pick waits for a decision or a merge.</p></section>';
  const rows = d.queue.map((p) => {
    const status =
      p.status === 'approved'
        ? `approved ${p.decidedAt ? relativeDays(p.decidedAt, d.now) : ''}, not merged yet`
        : p.failed
          ? 'pending (the last decision attempt failed)'
          : 'pending a decision';
    return `<tr><td>${escapeHtml(p.branch)}</td><td><a href="${safeHref(p.url)}">${escapeHtml(`${p.repo}#${p.number}`)}</a> ${escapeHtml(p.title)}</td><td>${escapeHtml(p.author)}</td><td>${escapeHtml(status.trim())}</td><td>${relativeDays(p.openedAt, d.now)}</td></tr>`;
  });
  return `<section><h2>Cherry-pick queue</h2><p class="muted">Pending picks and approved picks not merged yet, every release branch.</p><table><thead><tr><th>Branch</th><th>Pull request</th><th>Author</th><th>Status</th><th>Opened</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

const STYLE = `body{font:15px/1.5 'DejaVu Sans',-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;margin:0 auto;max-width:1040px;padding:16px 20px}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e2e2e2;padding-bottom:4px}
nav a{margin-right:10px}.muted{color:#616061}table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}tr.past td{color:#8a8a8a}tr.key td{font-weight:600}
.tag{font-size:11px;border-radius:3px;padding:0 4px;color:#fff;background:#1d4ed8;font-weight:600}.tag.rc{background:#6b7280}.tag.release{background:#047857}
figure.chart{margin:0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}a{color:#1264a3}code{background:#f4f4f4;padding:0 3px}`;

function layout(title: string, body: string, known: string[]): string {
  const nav = known.map((v) => `<a href="/release/${escapeHtml(v)}">v${escapeHtml(v)}</a>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body><nav aria-label="release cycles">${nav}</nav>${body}</body></html>`;
}

/** The page (pure). */
export function releasePage(d: PageData): string {
  const head = `<h1>Kubernetes v${escapeHtml(d.version)} release</h1><p class="muted">Read-only, from relbot's stored schedule, blocker digests and cherry-picks. As of ${escapeHtml(d.now.toUTC().toFormat("ccc d LLL yyyy, HH:mm 'UTC'"))}.${d.current === d.version ? ' The current cycle.' : ''}</p>`;
  return layout(
    `v${d.version} release · relbot`,
    `${head}${scheduleSection(d)}${burndownSection(d)}${queueSection(d)}`,
    d.known,
  );
}

/** The 404 page: the version asked and the cycles relbot knows. */
export function unknownCyclePage(asked: string, known: string[]): string {
  const list = known.length
    ? `<ul>${known.map((v) => `<li><a href="/release/${escapeHtml(v)}">v${escapeHtml(v)}</a></li>`).join('')}</ul>`
    : '<p>relbot knows no release cycle yet: its schedule is imported with <code>/schedule sync</code>.</p>';
  return layout(
    'Unknown release · relbot',
    `<h1>No release ${escapeHtml(asked)}</h1><p>relbot has no schedule and no blocker history for <code>${escapeHtml(asked)}</code>. The cycles it knows:</p>${list}`,
    known,
  );
}

// ------------------------------------------------------------------------------------ routes

const CACHE_MS = 60_000;

/** An HTTP route as the composition root mounts it (Bolt's CustomRoute, which features do not import). */
export interface PageRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export function releasePageRoutes(deps: Deps): PageRoute[] {
  // Charts are drawn in a worker (≈0.2 s); a page view reuses a drawing while its data is unchanged.
  const cache = new Map<string, { at: number; burndown: PageBurndown }>();
  const known = () => {
    const versions = new Set(knownCycles(deps));
    for (const m of burndownMilestones(deps)) {
      const v = /^v?(\d+\.\d+)$/.exec(m)?.[1];
      if (v) versions.add(v);
    }
    return [...versions].sort((a, b) => {
      const [a1 = 0, a2 = 0] = a.split('.').map(Number);
      const [b1 = 0, b2 = 0] = b.split('.').map(Number);
      return b1 - a1 || b2 - a2;
    });
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    const askedRaw = path === '/release' ? undefined : decodeURIComponent(path.slice('/release/'.length));
    serve(askedRaw)
      .then(({ status, html }) => sendText(res, status, html, 'text/html; charset=utf-8'))
      .catch((err) => {
        deps.log.error({ err }, 'release page failed');
        sendText(res, 500, 'release page unavailable');
      });
  };
  async function serve(askedRaw: string | undefined): Promise<{ status: number; html: string }> {
    const versions = known();
    const current = currentCycleVersion(deps);
    const asked = askedRaw === undefined ? current : /^v?(\d+\.\d+)$/i.exec(askedRaw.trim())?.[1];
    if (!asked || !versions.includes(asked))
      return { status: 404, html: unknownCyclePage(askedRaw ?? 'for the current cycle', versions) };
    const key = `${asked}:${burndownVersion(deps, asked)}:${deps.clock.now().toUTC().toISODate()}`;
    const hit = cache.get(key);
    const nowMs = deps.clock.now().toMillis();
    let burndown = hit && nowMs - hit.at < CACHE_MS ? hit.burndown : undefined;
    if (!burndown) {
      burndown = await pageBurndown(deps, asked);
      if (burndown.svg) {
        cache.clear();
        cache.set(key, { at: nowMs, burndown });
      }
    }
    const html = releasePage({
      version: asked,
      now: deps.clock.now(),
      timeline: cycleTimeline(deps, asked),
      burndown,
      queue: cherryPickQueue(deps),
      known: versions,
      current,
    });
    return { status: 200, html };
  }
  return [
    { path: '/release', method: ['GET'], handler },
    { path: '/release/:version', method: ['GET'], handler },
  ];
}
