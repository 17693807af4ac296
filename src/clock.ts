import { DateTime } from 'luxon';

/** The only place that reads the time. Production uses `systemClock`; tests and the sandbox a `ManualClock`. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = {
  now: () => DateTime.utc(),
};

/** A clock that only moves when told to (tests and the sandbox). */
export class ManualClock implements Clock {
  private current: DateTime;

  constructor(start: DateTime | string) {
    this.current = typeof start === 'string' ? DateTime.fromISO(start, { zone: 'utc' }) : start.toUTC();
    if (!this.current.isValid) throw new Error(`ManualClock: invalid start ${String(start)}`);
  }

  now(): DateTime {
    return this.current;
  }

  set(to: DateTime | string): void {
    const next = typeof to === 'string' ? DateTime.fromISO(to, { zone: 'utc' }) : to.toUTC();
    if (!next.isValid) throw new Error(`ManualClock: invalid time ${String(to)}`);
    this.current = next;
  }

  advance(duration: Parameters<DateTime['plus']>[0]): DateTime {
    this.current = this.current.plus(duration);
    return this.current;
  }
}
