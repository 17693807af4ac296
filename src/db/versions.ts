import type { Db } from './index';

/** Kinds of data whose writes are counted by triggers (migration 006). */
export type DataKind = 'schedule' | 'cherrypicks';

/** The write counter of one kind of data: any change to its tables makes it larger. */
export function dataVersion(db: Db, kind: DataKind): number {
  const row = db.prepare('SELECT version FROM data_versions WHERE name = ?').get(kind) as
    | { version: number }
    | undefined;
  return row?.version ?? -1;
}
