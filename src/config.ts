import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { backupConfig } from './backup/config';
import { blockersConfig } from './blockers/config';
import { cherrypicksConfig } from './cherrypicks/config';
import { audience, githubLogin, repoName, slackChannelId, slackUserId, timeZone } from './config-types';
import { jobsConfig } from './jobs/config';
import { scheduleConfig } from './schedule/config';
import { shadowsConfig } from './shadows/config';

export { type Audience, audience, type SourceRef, sourceRef, timeZone } from './config-types';

/**
 * relbot.yaml: everything a team reviews by pull request. Secrets and endpoints come from the
 * environment (see `loadEnv`). Feature folders own their own blocks; this file composes them.
 */

export const configSchema = z
  .object({
    /** Display time zone for channel posts (people see their own zone in answers to them). */
    timezone: timeZone.default('UTC'),
    channels: z
      .object({
        /** Where relbot posts unless a feature names its own channel. */
        default: slackChannelId,
        reminders: slackChannelId.optional(),
        cherrypicks: slackChannelId.optional(),
        blockers: slackChannelId.optional(),
        shadows: slackChannelId.optional(),
      })
      .strict(),
    /** Admins: open/close shadow applications, schedule sync, and other team-wide actions. */
    admins: audience,
    github: z
      .object({
        repos: z.array(repoName).min(1).default(['kubernetes/kubernetes']),
        /** Log GitHub writes instead of making them. RELBOT_DRY_RUN=1 also turns this on. */
        dryRun: z.boolean().default(false),
      })
      .strict()
      .default({ repos: ['kubernetes/kubernetes'], dryRun: false }),
    /** GitHub login -> Slack user ID (the same map kubernetes/community keeps for Tempelis). */
    people: z.record(githubLogin, slackUserId).default({}),
    /** Optional file in the Tempelis `users:` format, merged under `people` (path relative to relbot.yaml). */
    peopleFile: z.string().optional(),
    cherrypicks: cherrypicksConfig,
    shadows: shadowsConfig,
    schedule: scheduleConfig,
    blockers: blockersConfig,
    backup: backupConfig,
    /** When each scheduled job wakes up (src/jobs/config.ts). */
    jobs: jobsConfig,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Turns zod issues into one line per bad key: `channels.default: expected a Slack channel ID ... (got "x")`. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(top level)';
      let got: unknown = input;
      for (const key of issue.path)
        got = (got as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
      const gotText = got === undefined ? 'missing' : `got ${JSON.stringify(got)?.slice(0, 80)}`;
      return `${path}: ${issue.message} (${gotText})`;
    })
    .join('\n');
}

export function parseConfig(text: string, origin = 'relbot.yaml', baseDir = '.'): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(`${origin} is not valid YAML: ${(err as Error).message}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${origin} is invalid:\n${describeIssues(result.error, raw)}`);
  const config = result.data;
  if (config.peopleFile) {
    const file = resolve(baseDir, config.peopleFile);
    let users: unknown;
    try {
      users = (parseYaml(readFileSync(file, 'utf8')) as { users?: unknown })?.users;
    } catch (err) {
      throw new ConfigError(`${origin}: peopleFile ${file} cannot be read: ${(err as Error).message}`);
    }
    const parsed = z.record(z.string(), slackUserId).safeParse(users);
    if (!parsed.success) {
      throw new ConfigError(
        `${origin}: peopleFile ${file} is invalid:\n${describeIssues(parsed.error, users)}`,
      );
    }
    config.people = { ...parsed.data, ...config.people };
  }
  return config;
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return parseConfig(text, path, dirname(path));
}

/** Secrets and endpoints from the environment. */
export interface Env {
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl: string;
  githubToken?: string;
  githubApp?: { appId: string; privateKey: string; installationId: string };
  githubApiUrl: string;
  port: number;
  dbPath: string;
  configPath: string;
  dryRun: boolean;
  /** Set in the container image: never fall back to the sandbox. */
  requireCredentials: boolean;
}

export function loadEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number (got ${env.PORT})`);
  const appId = env.GITHUB_APP_ID;
  const privateKey = env.GITHUB_APP_PRIVATE_KEY;
  const installationId = env.GITHUB_APP_INSTALLATION_ID;
  const anyApp = appId || privateKey || installationId;
  if (anyApp && !(appId && privateKey && installationId)) {
    throw new ConfigError(
      'GitHub App credentials need all of GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID',
    );
  }
  return {
    slackBotToken: env.SLACK_BOT_TOKEN || undefined,
    slackSigningSecret: env.SLACK_SIGNING_SECRET || undefined,
    slackAppToken: env.SLACK_APP_TOKEN || undefined,
    slackApiUrl: env.SLACK_API_URL || 'https://slack.com/api/',
    githubToken: env.GITHUB_TOKEN || undefined,
    githubApp: anyApp
      ? { appId: appId!, privateKey: privateKey!.replace(/\\n/g, '\n'), installationId: installationId! }
      : undefined,
    githubApiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    port,
    dbPath: env.RELBOT_DB || './data/relbot.db',
    configPath: env.RELBOT_CONFIG || './relbot.yaml',
    dryRun: ['1', 'true', 'yes'].includes((env.RELBOT_DRY_RUN ?? '').toLowerCase()),
    requireCredentials: ['1', 'true', 'yes'].includes((env.RELBOT_REQUIRE_CREDENTIALS ?? '').toLowerCase()),
  };
}

/** The Slack credentials a mode needs that are missing. */
export function missingSlackCredentials(env: Env): string[] {
  const missing: string[] = [];
  if (!env.slackBotToken) missing.push('SLACK_BOT_TOKEN');
  if (!env.slackAppToken && !env.slackSigningSecret)
    missing.push('SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  return missing;
}
