import { z } from 'zod';
import { slackUserId } from '../config-types';

const role = z
  .object({
    name: z.string().min(1).max(60),
    /** Role lead(s): Slack users who review this role's applications. */
    leads: z.array(slackUserId).default([]),
    capacity: z.number().int().min(0).max(50).default(4),
  })
  .strict();

const DEFAULT_ROLES = [
  'Release Team Lead',
  'Enhancements',
  'Communications',
  'Release Signal',
  'Docs',
  'Branch Manager',
];

/** relbot.yaml `shadows:` block. */
export const shadowsConfig = z
  .object({
    roles: z.array(role).min(1),
  })
  .strict()
  .default({ roles: DEFAULT_ROLES.map((name) => ({ name, leads: [], capacity: 4 })) });
