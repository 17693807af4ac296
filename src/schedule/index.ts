/**
 * The schedule feature's public surface for other features, the sandbox and benchmarks.
 *
 * `remindersDue(milestones, rules, { from, to })` is pure: given the stored schedule
 * (`allMilestones(loadSchedule(db, config), config)`) and the rules (`config.schedule.reminders.rules`)
 * it lists the reminders an always-on relbot posts in that window, with their due instants, so a
 * benchmark can compare them with what was actually posted over a simulated cycle.
 */
export { currentCycle, nextCherryPickDeadline } from './api';
export type { Milestone, StoredSchedule, Timing } from './model';
export { decideReminders, type PlannedReminder, planReminders, remindersDue } from './reminders';
export { allMilestones, loadSchedule } from './store';
export { syncSchedule } from './sync';
