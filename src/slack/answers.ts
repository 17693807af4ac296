import type { Clock } from '../clock';
import type { Db } from '../db';
import { type DataKind, dataVersion } from '../db/versions';
import type { Message } from './blocks';

/** An answer as it goes out in an ack: a message and whether the channel sees it. */
export type CachedAnswer = Message & { response_type?: 'ephemeral' | 'in_channel' };

/** When an answer was rendered: the clock minute and the version of the data it shows. */
export interface Stamp {
  minute: number;
  version: number;
}

/** Stamps from the relbot clock and the trigger-counted data versions (src/db/versions.ts). */
export function stampFrom(db: Db, clock: Clock): (kind: DataKind) => Stamp {
  return (kind) => ({ minute: Math.floor(clock.now().toMillis() / 60_000), version: dataVersion(db, kind) });
}

/**
 * Answers rendered recently, kept so that the same question in the same minute, on the same data,
 * is answered in the ack itself: no work queue, no response_url round trip, no rendering. An entry
 * holds for the clock minute it was rendered in and the data version it was rendered from
 * (bumped by triggers on every write); anything else is a miss, and the command runs after the ack
 * as usual and stores its answer. Answers name "in 3 h"-style times, so a minute is as fine as they
 * are. Bounded: entries of past minutes go first, then the oldest.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { stamp: Stamp; reply: CachedAnswer }>();

  /** `max` 0 keeps nothing (every answer is rendered; the bench measures that path this way). */
  constructor(
    private readonly stampOf: (kind: DataKind) => Stamp,
    private readonly max = 128,
  ) {}

  /** Take it before reading the data an answer shows: a write meanwhile makes the answer stale, never wrong. */
  stamp(kind: DataKind): Stamp {
    return this.stampOf(kind);
  }

  /** The kept answer for `key` if it was rendered this minute from the current `kind` data. */
  get(key: string, kind: DataKind): CachedAnswer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.stampOf(kind);
    return e.stamp.minute === now.minute && e.stamp.version === now.version ? e.reply : undefined;
  }

  set(key: string, stamp: Stamp, reply: CachedAnswer): void {
    if (this.max <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      for (const [k, e] of this.entries) if (e.stamp.minute !== stamp.minute) this.entries.delete(k);
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { stamp, reply });
  }

  get size(): number {
    return this.entries.size;
  }
}
