import { z } from 'zod';
import { audience } from '../config-types';

/** relbot.yaml `cherrypicks:` block. */
export const cherrypicksConfig = z
  .object({
    approvers: audience,
    label: z.string().min(1).default('cherry-pick-approved'),
    branchPattern: z
      .string()
      .default('^release-\\d+\\.\\d+$')
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
      ),
  })
  .strict()
  .default({
    approvers: { users: [], usergroups: [], github: [] },
    label: 'cherry-pick-approved',
    branchPattern: '^release-\\d+\\.\\d+$',
  });
