import type { Migration } from './types';

/**
 * A counter per kind of data, bumped by triggers on every write to the tables an answer is built
 * from. Cached answers (src/slack/answers.ts) compare it to the version they were rendered at, so
 * no write path, present or future, can leave a stale answer behind by forgetting to invalidate.
 */
const bump = (table: string, name: string) =>
  ['INSERT', 'UPDATE', 'DELETE']
    .map(
      (op) => `
    CREATE TRIGGER ${table}_${op.toLowerCase()}_version AFTER ${op} ON ${table}
    BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '${name}'; END;`,
    )
    .join('');

export const m006_data_versions: Migration = {
  version: 6,
  name: 'data_versions',
  up: `
    CREATE TABLE data_versions (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    INSERT INTO data_versions (name) VALUES ('schedule'), ('cherrypicks');
    ${bump('schedule_sources', 'schedule')}
    ${bump('cherrypicks', 'cherrypicks')}
  `,
};
