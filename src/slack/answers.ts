import type { Reply } from './command';

/**
 * Answers rendered recently, kept so that the same question in the same minute, on the same data,
 * is answered in the ack itself: no work queue, no response_url round trip, no rendering. An entry
 * holds for the clock minute it was rendered in and the data version it was rendered from
 * (src/db/versions.ts, bumped by triggers on every write); anything else is a miss, and the command
 * runs after the ack as usual and stores its answer. Answers name "in 3 h"-style times, so a minute
 * is as fine as they are. Bounded: entries of past minutes go first, then the oldest.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { minute: number; version: number; reply: Reply }>();

  /** `max` 0 keeps nothing (every answer is rendered; the bench measures that path this way). */
  constructor(private readonly max = 128) {}

  static minuteOf(millis: number): number {
    return Math.floor(millis / 60_000);
  }

  get(key: string, minute: number, version: number): Reply | undefined {
    const e = this.entries.get(key);
    return e && e.minute === minute && e.version === version ? e.reply : undefined;
  }

  set(key: string, minute: number, version: number, reply: Reply): void {
    if (this.max <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      for (const [k, e] of this.entries) if (e.minute !== minute) this.entries.delete(k);
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { minute, version, reply });
  }

  get size(): number {
    return this.entries.size;
  }
}
