import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import type { Deps } from '../../deps';
import { section } from '../../slack/blocks';
import { escapeMrkdwn } from '../../slack/escape';
import { currentMilestone } from '../scope';
import { BlockerStore } from '../store';
import { decideVerdict } from '../verdict';

/**
 * What the Home tab (src/home/) asks the blockers feature: the current milestone's blocker count
 * and its Go/No-Go line, from the last read relbot stored (a digest or a `/blockers` answer). The
 * Home tab never calls GitHub or testgrid itself: it is republished often, and `/blockers` reads
 * both now.
 */

const ICON = {
  go: ':large_green_circle: *Go*',
  'no-go': ':red_circle: *No-Go*',
  unknown: ':white_circle: *Go/No-Go unknown*',
};

export function homeBlockerBlocks(deps: Deps, zone: string): KnownBlock[] {
  const milestone = currentMilestone(deps);
  if (!milestone)
    return [
      section('*Release blockers*\nrelbot does not know the current milestone. `/blockers v1.XX` reads one.'),
    ];
  const latest = new BlockerStore(deps.db).latest(milestone);
  const title = `*Release blockers, ${escapeMrkdwn(milestone)}*`;
  if (!latest)
    return [
      section(`${title}\nNot read yet. \`/blockers\` reads GitHub now; the daily digest reads it too.`),
    ];
  const blocking = latest.items.filter((i) => i.blocking).length;
  const asOf = DateTime.fromISO(latest.takenAt, { zone: 'utc' }).setZone(zone).toFormat('ccc d LLL HH:mm');
  const withCi = deps.config.blockers.testgrid.dashboards.length > 0;
  let line: string;
  if (!withCi) {
    const v = decideVerdict({ blocking });
    line = `${ICON[v.verdict]}: ${v.reason}`;
  } else
    line = blocking
      ? `${ICON['no-go']}: ${blocking} blocker${blocking === 1 ? '' : 's'} open. \`/blockers\` adds the CI signal.`
      : `:white_circle: No blockers open; Go needs a green CI signal too. \`/blockers\` reads testgrid now.`;
  return [
    section(
      `${title}: ${blocking} blocking of ${latest.items.length} tracked (as of ${asOf}, ${zone})\n${line}`,
    ),
  ];
}
