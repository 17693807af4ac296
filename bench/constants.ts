/**
 * Constants shared by the bench processes. Kept free of imports so that the bare Bolt baseline
 * loads nothing but @slack/bolt (its RSS is the denominator of the memory ratio).
 */
export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-bench';
export const FLOOD_COMMAND = '/bench-flood';
export const APPROVE_ACTION = 'cherrypick_approve';
/** The seeded #release-management channel (src/sandbox/seed.ts CHANNEL). */
export const BENCH_CHANNEL = 'CJH2GBF7Y';
