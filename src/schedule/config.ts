import { z } from 'zod';
import { slackChannelId, slackUsergroupId, sourceRef, timeZone } from '../config-types';

/**
 * relbot.yaml `schedule:` block: where the schedule comes from, how date-only patch deadlines
 * become instants, and which reminders go out when.
 */

export const MILESTONE_SELECTORS = [
  'hardFreeze',
  'releaseDay',
  'cherryPickDeadline',
  'patchRelease',
  'bold',
  'any',
] as const;

/** A lead time: `now` (the instant itself: "now in effect") or a number of minutes/hours/days/weeks. */
export const leadTime = z
  .string()
  .regex(/^(now|\d{1,4}[mhdw])$/, 'a lead time such as 7d, 1d, 1h, 30m or now');

const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a valid regular expression' },
);

export const reminderRule = z
  .object({
    /** Which milestones: a kind, or `any` together with `match`. */
    select: z.enum(MILESTONE_SELECTORS),
    /** Optional regular expression the milestone name must match (case-insensitive). */
    match: regex.optional(),
    leads: z.array(leadTime).min(1).default(['7d', '1d', '1h', 'now']),
  })
  .strict();
export type ReminderRule = z.infer<typeof reminderRule>;

const DEFAULT_LEADS = ['7d', '1d', '1h', 'now'];
export const DEFAULT_RULES: ReminderRule[] = [
  { select: 'hardFreeze', leads: DEFAULT_LEADS },
  { select: 'releaseDay', leads: DEFAULT_LEADS },
  { select: 'cherryPickDeadline', leads: DEFAULT_LEADS },
];

const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day HH:MM (24:00 = end of the day)');

export const scheduleConfig = z
  .object({
    sources: z
      .object({
        /** Release cycle pages (their Timeline tables). The current cycle and the one before are useful. */
        cycles: z
          .array(sourceRef)
          .default([
            { repo: 'kubernetes/sig-release', path: 'releases/release-1.37/README.md', ref: 'master' },
          ]),
        /** Patch releases (schedule-builder's schedule.yaml). */
        patches: sourceRef
          .optional()
          .default({ repo: 'kubernetes/website', path: 'data/releases/schedule.yaml', ref: 'main' }),
        /** End-of-life branches. */
        eol: sourceRef
          .optional()
          .default({ repo: 'kubernetes/website', path: 'data/releases/eol.yaml', ref: 'main' }),
      })
      .strict()
      .prefault({}),
    /** How often the sync job re-imports the sources. */
    syncEveryHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(24),
    /** Patch deadlines are dates only: the cut-off is this time of that day in this zone ('AoE' = UTC-12). */
    cherryPickCutoff: z
      .object({
        zone: z.union([z.literal('AoE'), timeZone]).default('AoE'),
        time: time.default('24:00'),
      })
      .strict()
      .prefault({}),
    /** The zone in which all-day rows (plain dates) begin and end, for reminders and "past" marks. */
    allDayZone: timeZone.default('UTC'),
    reminders: z
      .object({
        enabled: z.boolean().default(true),
        /** Defaults to channels.reminders, then channels.default. */
        channel: slackChannelId.optional(),
        /** A reminder posted up to this many minutes after it was due counts as on time. */
        graceMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .default(30),
        /**
         * A milestone that began while relbot was down (a freeze in effect, a deadline passed) still
         * gets its "now" post, labelled late, if it began less than this many hours ago. 0: never.
         */
        lateNowInEffectHours: z
          .number()
          .min(0)
          .max(7 * 24)
          .default(12),
        rules: z.array(reminderRule).default(DEFAULT_RULES),
        /** "Who" value of a Timeline row (e.g. "Docs Lead") -> Slack user group to mention. */
        mentions: z.record(z.string().min(1), slackUsergroupId).default({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type ScheduleConfig = z.infer<typeof scheduleConfig>;
