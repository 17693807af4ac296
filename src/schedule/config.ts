import { z } from 'zod';

/** relbot.yaml `schedule:` block. */
export const scheduleConfig = z.object({}).strict().default({});
