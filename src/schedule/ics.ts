import { DateTime } from 'luxon';
import type { Milestone } from './model';

/**
 * The iCalendar feed (GET /calendar.ics): every milestone and patch date. UIDs are derived from the
 * milestone ids, so a subscribed calendar updates events in place when a sync moves them. Hard
 * deadlines are exact UTC instants; all-day rows and spans are DATE values (DTEND exclusive).
 */
export function buildCalendar(
  milestones: Milestone[],
  now: DateTime,
  domain = 'relbot.sig-release.k8s.io',
): string {
  // Loaded on the first request for the feed, not at start (about 2 MB of RSS nobody else needs).
  const { default: ical, ICalCalendarMethod } = require('ical-generator') as typeof import('ical-generator');
  const cal = ical({
    name: 'Kubernetes SIG Release schedule',
    prodId: { company: 'Kubernetes SIG Release', product: 'relbot', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 60 * 60,
  });
  for (const m of milestones) {
    const description = [
      m.cycle && m.source === 'cycle' ? `Kubernetes v${m.cycle}${m.week ? `, week ${m.week}` : ''}` : '',
      m.who ? `Who: ${m.who}` : '',
      m.when && m.source === 'cycle' ? `When (as published): ${m.when}` : '',
      m.kinds.includes('cherryPickDeadline') ? 'Cut-off for cherry-picks to be merge-ready.' : '',
    ]
      .filter(Boolean)
      .join('\n');
    const base = {
      id: `${m.id.replace(/[^A-Za-z0-9._-]+/g, '-')}@${domain}`,
      summary: m.kinds.includes('hardFreeze') ? `🚨 ${m.name}` : m.name,
      description,
      stamp: now.toUTC(),
    };
    if (m.timing.type === 'instant') {
      const at = DateTime.fromISO(m.timing.at, { zone: 'utc' });
      cal.createEvent({ ...base, start: at, end: at });
    } else {
      const first = m.timing.type === 'day' ? m.timing.date : m.timing.start;
      const last = m.timing.type === 'day' ? m.timing.date : m.timing.end;
      cal.createEvent({
        ...base,
        allDay: true,
        start: DateTime.fromISO(first, { zone: 'utc' }),
        end: DateTime.fromISO(last, { zone: 'utc' }).plus({ days: 1 }),
      });
    }
  }
  return cal.toString();
}
