/**
 * The schedule as relbot stores it: milestones of release cycles (from the cycle README's Timeline
 * table) and of patch releases (from kubernetes/website schedule.yaml + eol.yaml).
 */

/** When a milestone happens. Instants are exact (UTC ISO); days and spans are calendar dates. */
export type Timing =
  | { type: 'instant'; at: string }
  | { type: 'day'; date: string }
  | { type: 'span'; start: string; end: string };

/**
 * - hardFreeze: a bold Timeline row that names a freeze (PRR, Enhancements, Code and Test, Docs...)
 * - releaseDay: the `vX.Y.0 released` row
 * - cherryPickDeadline / patchRelease: monthly (or out-of-band) patch releases
 * - maintenanceMode / endOfLife: support dates of a minor
 */
export type MilestoneKind =
  | 'hardFreeze'
  | 'releaseDay'
  | 'cherryPickDeadline'
  | 'patchRelease'
  | 'maintenanceMode'
  | 'endOfLife';

export interface Milestone {
  /** Stable across syncs while the row keeps its name: 'v1.37/begin-code-freeze-and-test-freeze'. */
  id: string;
  source: 'cycle' | 'patches';
  /** Minor version the milestone belongs to, e.g. '1.37'. */
  cycle?: string;
  name: string;
  who?: string;
  week?: number;
  timing: Timing;
  /** The row is bold in the README. */
  bold: boolean;
  kinds: MilestoneKind[];
  /** Patch releases a patch milestone covers, e.g. ['1.36.2', '1.35.6']. */
  releases?: string[];
  /** The original "When" text (cycle rows) for display, e.g. 'Tuesday 16th June 2026 (AoE) / ...'. */
  when?: string;
  /**
   * A deadline published as a day (a cherry-pick deadline of schedule.yaml): that day and the cut-off
   * policy that made `timing` of it, so it can be said as published ("end of Fri 10 Jul 2026 AoE").
   */
  dueDay?: { date: string; zone: string; time: string };
}

/** A row of a cycle README that could not be imported (or imported with a caveat). */
export interface RowProblem {
  row: number;
  what: string;
  when: string;
  message: string;
}

export interface CycleDoc {
  version: string;
  milestones: Milestone[];
  problems: RowProblem[];
  warnings: RowProblem[];
}

/** A patch release entry of schedule.yaml, normalised (all strings; empty / N/A dates dropped). */
export interface PatchEntry {
  release?: string;
  cherryPickDeadline?: string;
  targetDate?: string;
  note?: string;
}

export interface MinorSchedule {
  release: string;
  releaseDate?: string;
  maintenanceModeStartDate?: string;
  endOfLifeDate?: string;
  next?: PatchEntry;
  previousPatches: PatchEntry[];
}

export interface PatchDoc {
  schedules: MinorSchedule[];
  upcoming: PatchEntry[];
  warnings: string[];
}

export interface EolBranch {
  release: string;
  finalPatchRelease?: string;
  endOfLifeDate?: string;
  note?: string;
}

export interface EolDoc {
  branches: EolBranch[];
}

/** Everything stored, as read back from SQLite. */
export interface StoredSchedule {
  cycles: CycleDoc[];
  patches?: PatchDoc;
  eol?: EolDoc;
  /** Last time every configured source was checked successfully or not (ISO), if ever. */
  lastSyncAt?: string;
  /** Last successful import per source key (ISO). */
  sources: SourceState[];
}

export interface SourceState {
  key: string;
  label: string;
  syncedAt?: string;
  checkedAt?: string;
  error?: string;
}

/** A milestone a sync added, moved (from its old timing) or removed. */
export interface Change {
  type: 'added' | 'moved' | 'removed';
  milestone: Milestone;
  from?: Timing;
}
