import { z } from 'zod';

/** relbot.yaml `blockers:` block. */
export const blockersConfig = z.object({}).strict().default({});
