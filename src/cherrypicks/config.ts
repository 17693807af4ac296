import { z } from 'zod';
import { audience, movedKey, repoName } from '../config-types';

/**
 * The labels the Prow `cherry-pick-approved` plugin refuses to approve with
 * (kubernetes-sigs/prow pkg/plugins/cherrypickapproved; see docs/k8s-release-process.md §3).
 */
export const PROW_BLOCKING_LABELS = [
  'do-not-merge/blocked-paths',
  'cncf-cla: no',
  'do-not-merge/hold',
  'do-not-merge/invalid-owners-file',
  'bugzilla/invalid-bug',
  'do-not-merge/contains-merge-commits',
  'needs-ok-to-test',
  'needs-rebase',
  'do-not-merge/release-note-label-needed',
  'do-not-merge/work-in-progress',
];

const regex = z
  .string()
  .min(1)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a valid regular expression' },
  );

const retryDefaults = { attempts: 3, backoffMs: 2000 };
const readyNoticeDefaults = { enabled: true, batchMinutes: 5 };

/** relbot.yaml `cherrypicks:` block. */
export const cherrypicksConfig = z
  .object({
    /** Who may approve or reject (Slack IDs, user groups, mapped GitHub logins). */
    approvers: audience,
    /** The label an approval adds (Prow's cherry-pick-approved). */
    label: z.string().min(1).default('cherry-pick-approved'),
    /** The label Prow's cherry-pick-unapproved plugin puts on every new pick. */
    unapprovedLabel: z.string().min(1).default('do-not-merge/cherry-pick-not-approved'),
    /** Base branches that are release branches. */
    branchPattern: regex.default('^release-\\d+\\.\\d+$'),
    /** The title hack/cherry_pick_pull.sh gives a pick. */
    titlePrefix: z.string().min(1).default('Automated cherry pick of #'),
    /** Repositories watched; default: github.repos. */
    repos: z.array(repoName).min(1).optional(),
    /** Moved: the discovery job wakes at `jobs.cherrypick-discovery`. */
    discoveryCron: movedKey('jobs.cherrypick-discovery'),
    /** Labels that stop an approval (the Prow plugin's list). */
    blockingLabels: z.array(z.string().min(1)).default(PROW_BLOCKING_LABELS),
    /** Prow's allow_missing_lgtm_label / allow_missing_approved_label. */
    allowMissingLgtm: z.boolean().default(false),
    allowMissingApproved: z.boolean().default(false),
    /** Log GitHub writes instead of making them (github.dryRun and RELBOT_DRY_RUN also do). */
    dryRun: z.boolean().default(false),
    /** Attempts and back-off for the (not idempotent) PR comment. */
    retry: z
      .object({
        attempts: z.number().int().min(1).max(10).default(retryDefaults.attempts),
        backoffMs: z.number().int().min(0).max(60_000).default(retryDefaults.backoffMs),
      })
      .strict()
      .default(retryDefaults),
    /** An approval still "in progress" after this long (a crash) may be taken over. */
    claimTimeoutMinutes: z.number().int().min(1).max(1440).default(10),
    /** Upper bound on search results read per discovery run. */
    maxCandidates: z.number().int().min(1).max(1000).default(300),
    /**
     * "Ready for approval" notices to the approvers' user groups when a waiting pick's gates all
     * pass: at most one message per channel every `batchMinutes` (a burst becomes one message).
     */
    /** After a branch's cherry-pick deadline, remind the release managers to preview the freeze. */
    freezeReminder: z.boolean().default(true),
    readyNotice: z
      .object({
        enabled: z.boolean().default(readyNoticeDefaults.enabled),
        batchMinutes: z.number().int().min(1).max(240).default(readyNoticeDefaults.batchMinutes),
      })
      .strict()
      .default(readyNoticeDefaults),
  })
  .strict()
  .default({
    approvers: { users: [], usergroups: [], github: [] },
    label: 'cherry-pick-approved',
    unapprovedLabel: 'do-not-merge/cherry-pick-not-approved',
    branchPattern: '^release-\\d+\\.\\d+$',
    titlePrefix: 'Automated cherry pick of #',
    blockingLabels: PROW_BLOCKING_LABELS,
    allowMissingLgtm: false,
    allowMissingApproved: false,
    dryRun: false,
    retry: retryDefaults,
    claimTimeoutMinutes: 10,
    maxCandidates: 300,
    freezeReminder: true,
    readyNotice: readyNoticeDefaults,
  });

export type CherrypicksConfig = z.infer<typeof cherrypicksConfig>;
