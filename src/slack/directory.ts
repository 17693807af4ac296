import type { WebClient } from '@slack/web-api';
import { IANAZone } from 'luxon';
import type { Clock } from '../clock';
import type { Audience } from '../config';

/**
 * Who people are: Slack user groups (cached briefly), users' time zones (users.info), and the map
 * between GitHub logins and Slack user IDs. Permission checks ask `isIn(audience, user)`.
 */
export class Directory {
  private readonly groups = new Map<string, { at: number; users: Set<string> }>();
  private readonly zones = new Map<string, { at: number; tz: string }>();
  private readonly slackByGithub: Map<string, string>;
  private readonly githubBySlack: Map<string, string>;

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    people: Record<string, string>,
    private readonly ttlMs = 60_000,
  ) {
    this.slackByGithub = new Map(Object.entries(people).map(([gh, slack]) => [gh.toLowerCase(), slack]));
    this.githubBySlack = new Map(Object.entries(people).map(([gh, slack]) => [slack, gh]));
  }

  private fresh(at: number): boolean {
    return this.clock.now().toMillis() - at < this.ttlMs;
  }

  slackIdFor(githubLogin: string): string | undefined {
    return this.slackByGithub.get(githubLogin.toLowerCase());
  }

  githubLoginFor(slackUser: string): string | undefined {
    return this.githubBySlack.get(slackUser);
  }

  async usergroupMembers(usergroup: string): Promise<Set<string>> {
    const cached = this.groups.get(usergroup);
    if (cached && this.fresh(cached.at)) return cached.users;
    const res = (await this.client.usergroups.users.list({ usergroup })) as { users?: string[] };
    const users = new Set(res.users ?? []);
    this.groups.set(usergroup, { at: this.clock.now().toMillis(), users });
    return users;
  }

  /** True when `user` is listed, is in one of the user groups, or is mapped to one of the GitHub logins. */
  async isIn(audience: Audience, user: string): Promise<boolean> {
    if (audience.users.includes(user)) return true;
    const login = this.githubLoginFor(user)?.toLowerCase();
    if (login && audience.github.some((g) => g.toLowerCase() === login)) return true;
    for (const g of audience.usergroups) {
      try {
        if ((await this.usergroupMembers(g)).has(user)) return true;
      } catch {
        // A user group that cannot be read grants nothing; other entries still may.
      }
    }
    return false;
  }

  /** Human description of an audience, for refusals ("Only ... can approve"). */
  describe(audience: Audience): string {
    const parts = [
      ...audience.users.map((u) => `<@${u}>`),
      ...audience.usergroups.map((g) => `members of <!subteam^${g}>`),
      ...(audience.github.length ? [`GitHub ${audience.github.map((g) => `@${g}`).join(', ')}`] : []),
    ];
    return parts.length ? parts.join(', ') : 'nobody (no one is configured)';
  }

  /** The user's time zone if it was looked up within the TTL; never calls Slack. */
  cachedTimeZone(user: string): string | undefined {
    const cached = this.zones.get(user);
    return cached && this.fresh(cached.at) ? cached.tz : undefined;
  }

  /** The user's Slack time zone, falling back to `fallback` when Slack does not say or cannot be reached. */
  async timeZone(user: string, fallback = 'UTC'): Promise<string> {
    const cached = this.zones.get(user);
    if (cached && this.fresh(cached.at)) return cached.tz;
    try {
      const res = (await this.client.users.info({ user })) as { user?: { tz?: string } };
      const tz = res.user?.tz && IANAZone.isValidZone(res.user.tz) ? res.user.tz : fallback;
      this.zones.set(user, { at: this.clock.now().toMillis(), tz });
      return tz;
    } catch {
      return fallback;
    }
  }
}
