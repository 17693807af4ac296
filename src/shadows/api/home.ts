import type { KnownBlock } from '@slack/types';
import { channelFor, type Deps } from '../../deps';
import { section } from '../../slack/blocks';
import { escapeMrkdwn } from '../../slack/escape';
import { releaseTeamLeads } from '../access';
import { statusReply } from '../blocks';
import { cfg, store } from '../common';
import { isOpenAt, outcomeFor, reviewList, roleDemand } from '../rules';

/**
 * What the Home tab (src/home/) asks the shadows feature: the person's own application and its
 * status (the words of `/shadow status`), and for role leads their review queue with seats left
 * (the Release Team Lead sees every role). Synchronous SQLite reads; the zone is the caller's.
 */

export function homeShadowBlocks(deps: Deps, user: string, zone: string): KnownBlock[] {
  const s = store(deps);
  const cycle = s.currentCycle();
  if (!cycle) return [section('*Shadow applications*\nNone have been opened yet.')];
  const now = deps.clock.now();
  const open = isOpenAt(cycle, now);
  const roles = cfg(deps).roles;
  const apps = s.applications(cycle.id);
  const app = s.application(cycle.id, user);
  const outcome =
    app && !app.withdrawnAt && cycle.state === 'published'
      ? outcomeFor(app, s.decisionsFor(app.id), roleDemand(roles, apps))
      : undefined;
  const status = statusReply(cycle, app, outcome, zone, open, channelFor(deps.config, 'shadows'));
  const blocks: KnownBlock[] = status.blocks?.length ? [...status.blocks] : [section(status.text)];
  const rtl = releaseTeamLeads(deps).includes(user);
  const led = roles.filter((r) => rtl || r.leads.includes(user));
  if (led.length) {
    const decisions = s.decisions(cycle.id);
    const lines = led.map((role) => {
      const list = reviewList(role, apps, decisions, new Map());
      const pending = list.entries.filter((e) => !e.decision).length;
      const left = Math.max(0, role.capacity - list.accepted);
      return `• *${escapeMrkdwn(role.name)}*: ${pending} to review, ${list.accepted}/${role.capacity} accepted, ${left} seat${left === 1 ? '' : 's'} left · \`/shadow review ${escapeMrkdwn(role.name)}\``;
    });
    blocks.push(section(`*Your review queue* (v${cycle.version})\n${lines.join('\n')}`));
  }
  return blocks;
}
