import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (or a given destination, e.g. for tests). */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  return opts.destination
    ? pino({ level, base: { app: 'relbot' } }, opts.destination)
    : pino({ level, base: { app: 'relbot' } });
}

/** Adapts pino to the Logger interface Bolt and the Slack SDK expect. */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = 'info' as LogLevel;
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(fmt(msg)),
    info: (...msg: unknown[]) => child.info(fmt(msg)),
    warn: (...msg: unknown[]) => child.warn(fmt(msg)),
    error: (...msg: unknown[]) => child.error(fmt(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
