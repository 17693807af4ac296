import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';

/** Zod building blocks shared by relbot.yaml's blocks (src/config.ts and the features' config.ts). */

export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user ID such as U0E0E78AK');
export const slackUsergroupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, 'a Slack user group ID such as S0123ABCD');
export const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel ID such as CJH2GBF7Y');
export const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub login such as justaugustus');
export const repoName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name, such as kubernetes/kubernetes');
export const timeZone = z
  .string()
  .refine((tz) => IANAZone.isValidZone(tz), { message: 'an IANA time zone such as UTC or Europe/Berlin' });

/** Who may do something: Slack users, members of a Slack user group, or mapped GitHub logins. */
export const audience = z
  .object({
    users: z.array(slackUserId).default([]),
    usergroups: z.array(slackUsergroupId).default([]),
    github: z.array(githubLogin).default([]),
  })
  .strict()
  .default({ users: [], usergroups: [], github: [] });
export type Audience = z.infer<typeof audience>;

export const sourceRef = z
  .object({ repo: repoName, path: z.string().min(1), ref: z.string().min(1).default('main') })
  .strict();
export type SourceRef = z.infer<typeof sourceRef>;

/**
 * A 5-field cron expression (minute hour day month weekday), as node-cron and cron-parser both read
 * it. The one cron check for every key of relbot.yaml that holds one.
 */
export const cronExpression = z.string().refine(
  (expr) => {
    if (expr.trim().split(/\s+/).length !== 5 || !cron.validate(expr)) return false;
    try {
      CronExpressionParser.parse(expr);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a 5-field cron expression such as "*/5 * * * *" or "0 9 * * 1-5"' },
);

/** A key that moved elsewhere in relbot.yaml: absent is fine, present is an error naming the new place. */
export const movedKey = (to: string) => z.undefined({ error: `this key moved to \`${to}\`` }).optional();
