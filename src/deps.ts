import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock';
import type { Config, Env } from './config';
import type { Db } from './db';
import type { GitHub } from './github';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { AnswerCache } from './slack/answers';
import type { Directory } from './slack/directory';
import type { SlackFiles } from './slack/files';
import type { OutboundQueue } from './slack/outbound';
import type { Outbox } from './slack/outbox';
import type { WorkQueue } from './slack/work';

/** Everything a feature needs, built once in the composition root (app.ts) and passed down. */
export interface Deps {
  config: Config;
  env: Env;
  db: Db;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Slack Web API client (Bolt's), pointed at SLACK_API_URL. */
  slack: WebClient;
  /** Bounded, rate-limited queue for messages relbot sends on its own. */
  outbound: OutboundQueue;
  /** Bounded queue for the work commands do after their ack. */
  work: WorkQueue;
  /** Exactly-once posts keyed in SQLite. */
  outbox: Outbox;
  /** Exactly-once file uploads (Slack's three-step upload), keyed in SQLite. */
  files: SlackFiles;
  directory: Directory;
  /** Answers rendered this minute, reused in the ack while their data is unchanged. */
  answers: AnswerCache;
  github: GitHub;
  /** Dry run: GitHub writes are logged, not made. */
  dryRun: boolean;
}

/** The channel a feature posts to. */
export function channelFor(
  config: Config,
  feature: 'reminders' | 'cherrypicks' | 'blockers' | 'shadows',
): string {
  return config.channels[feature] ?? config.channels.default;
}
