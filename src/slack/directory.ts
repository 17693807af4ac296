import type { WebClient } from '@slack/web-api';
import { IANAZone } from 'luxon';
import type { Clock } from '../clock';
import type { Audience } from '../config';

/**
 * A map that keeps at most `max` entries, each for `ttlMs`: a hit moves an entry to the back, a
 * new entry past the bound pushes out the one used longest ago.
 */
export class LruTtl<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: this.now(), value });
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface DirectoryOptions {
  /** How long user group members are kept (permissions: short). */
  ttlMs?: number;
  /** How long a user's Slack time zone is kept. */
  zoneTtlMs?: number;
  /** How many users' time zones are kept at most. */
  maxZones?: number;
}

/**
 * Users' time zones kept: 5,000 people, an hour each. The release channels' askers are hundreds to
 * a couple of thousand people (the bench asks as 2,000), so everyone asking in a day fits, at
 * about 150 bytes an entry (under 1 MB); past the bound the person who asked longest ago goes first
 * and costs one users.info next time. A zone rarely changes (travel), and a stale one only changes
 * which local time an answer writes next to UTC, for an hour at most.
 */
export const ZONE_CACHE = { max: 5000, ttlMs: 60 * 60_000 } as const;

/**
 * Who people are: Slack user groups (cached briefly), users' time zones (users.info, kept in a
 * bounded LRU; concurrent lookups of one person share one call), and the map between GitHub logins
 * and Slack user IDs. Permission checks ask `isIn(audience, user)`.
 */
export class Directory {
  private readonly groups: LruTtl<Set<string>>;
  private readonly zones: LruTtl<string>;
  private readonly zoneLookups = new Map<string, Promise<string | undefined>>();
  private readonly groupLookups = new Map<string, Promise<Set<string>>>();
  private readonly slackByGithub: Map<string, string>;
  private readonly githubBySlack: Map<string, string>;

  constructor(
    private readonly client: WebClient,
    clock: Clock,
    people: Record<string, string>,
    opts: DirectoryOptions | number = {},
  ) {
    const o = typeof opts === 'number' ? { ttlMs: opts } : opts;
    const now = () => clock.now().toMillis();
    this.groups = new LruTtl(256, o.ttlMs ?? 60_000, now);
    this.zones = new LruTtl(o.maxZones ?? ZONE_CACHE.max, o.zoneTtlMs ?? ZONE_CACHE.ttlMs, now);
    this.slackByGithub = new Map(Object.entries(people).map(([gh, slack]) => [gh.toLowerCase(), slack]));
    this.githubBySlack = new Map(Object.entries(people).map(([gh, slack]) => [slack, gh]));
  }

  slackIdFor(githubLogin: string): string | undefined {
    return this.slackByGithub.get(githubLogin.toLowerCase());
  }

  githubLoginFor(slackUser: string): string | undefined {
    return this.githubBySlack.get(slackUser);
  }

  async usergroupMembers(usergroup: string): Promise<Set<string>> {
    const cached = this.groups.get(usergroup);
    if (cached) return cached;
    let lookup = this.groupLookups.get(usergroup);
    if (!lookup) {
      lookup = (async () => {
        try {
          const res = (await this.client.usergroups.users.list({ usergroup })) as { users?: string[] };
          const users = new Set(res.users ?? []);
          this.groups.set(usergroup, users);
          return users;
        } finally {
          this.groupLookups.delete(usergroup);
        }
      })();
      this.groupLookups.set(usergroup, lookup);
    }
    return lookup;
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
    return this.zones.get(user) || undefined;
  }

  /** The user's Slack time zone, falling back to `fallback` when Slack does not say or cannot be reached. */
  async timeZone(user: string, fallback = 'UTC'): Promise<string> {
    const cached = this.zones.get(user);
    if (cached !== undefined) return cached || fallback;
    let lookup = this.zoneLookups.get(user);
    if (!lookup) {
      lookup = this.lookUpZone(user);
      this.zoneLookups.set(user, lookup);
    }
    return (await lookup) || fallback;
  }

  /** One users.info call: the zone Slack gives ('' when it gives none, kept), undefined when it failed (not kept). */
  private async lookUpZone(user: string): Promise<string | undefined> {
    try {
      const res = (await this.client.users.info({ user })) as { user?: { tz?: string } };
      const tz = res.user?.tz && IANAZone.isValidZone(res.user.tz) ? res.user.tz : '';
      this.zones.set(user, tz);
      return tz;
    } catch {
      return undefined;
    } finally {
      this.zoneLookups.delete(user);
    }
  }
}
