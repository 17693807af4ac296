import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../../src/db';
import type { ApplicationInput } from '../../src/shadows/rules';
import { ShadowStore, ShadowStoreError } from '../../src/shadows/store';

const input = (choices: string[], github = 'someone'): ApplicationInput => ({
  github,
  timeZone: 'UTC',
  hoursPerWeek: 5,
  servedBefore: false,
  why: 'why',
  choices,
});
const T0 = '2026-12-01T09:00:00.000Z';
const CLOSES = '2026-12-11T12:00:00.000Z';

describe('ShadowStore', () => {
  let dir: string;
  let a: Db;
  let b: Db;
  let sa: ShadowStore;
  let sb: ShadowStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relbot-shadows-'));
    a = openDb(join(dir, 'r.db'));
    b = openDb(join(dir, 'r.db'));
    sa = new ShadowStore(a);
    sb = new ShadowStore(b);
  });
  afterEach(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof ShadowStoreError ? err.code : String(err);
    }
    return 'no error';
  };

  it('one open cycle; a version is used once', () => {
    const c = sa.openCycle('1.38', '2026-12-10', CLOSES, 'U1', T0);
    expect(code(() => sb.openCycle('1.39', '2026-12-12', CLOSES, 'U1', T0))).toBe('cycle_open');
    sa.closeCycle(c.id, 'U1', T0);
    expect(code(() => sb.openCycle('1.38', '2026-12-12', CLOSES, 'U1', T0))).toBe('version_exists');
  });

  it('the last seat: the check and the write happen under one write lock, across connections', () => {
    const c = sa.openCycle('1.38', '2026-12-10', CLOSES, 'U1', T0);
    const x = sa.saveApplication(c.id, 'UX', input(['Docs']), T0).application;
    const y = sa.saveApplication(c.id, 'UY', input(['Docs']), T0).application;
    const z = sa.saveApplication(c.id, 'UZ', input(['Docs']), T0).application;
    sa.decide(c.id, x.id, 'Docs', 'accepted', 2, 'L', T0);
    // While connection A holds the write lock, B cannot read-then-write its way in.
    b.pragma('busy_timeout = 0');
    a.exec('BEGIN IMMEDIATE');
    expect(code(() => sb.decide(c.id, z.id, 'Docs', 'accepted', 2, 'L2', T0))).toMatch(/SQLITE_BUSY|locked/);
    a.exec('COMMIT');
    expect(sa.decide(c.id, y.id, 'Docs', 'accepted', 2, 'L', T0)).toMatchObject({
      outcome: 'changed',
      accepted: 2,
    });
    expect(code(() => sb.decide(c.id, z.id, 'Docs', 'accepted', 2, 'L2', T0))).toBe('full');
    expect(sa.acceptedCount(c.id, 'Docs')).toBe(2);
  });

  it('one seat per person; withdrawing or dropping the role frees it; decisions are final once published', () => {
    const c = sa.openCycle('1.38', '2026-12-10', CLOSES, 'U1', T0);
    const x = sa.saveApplication(c.id, 'UX', input(['Docs', 'Enhancements']), T0).application;
    sa.decide(c.id, x.id, 'Docs', 'accepted', 4, 'L', T0);
    expect(code(() => sa.decide(c.id, x.id, 'Enhancements', 'accepted', 4, 'L', T0))).toBe(
      'accepted_elsewhere',
    );
    expect(code(() => sa.decide(c.id, x.id, 'Release Signal', 'accepted', 4, 'L', T0))).toBe('not_a_choice');
    // Editing away from Docs frees the Docs seat.
    const edit = sa.saveApplication(c.id, 'UX', input(['Enhancements']), T0);
    expect(edit.freedSeats.map((d) => d.role)).toEqual(['Docs']);
    expect(sa.acceptedCount(c.id, 'Docs')).toBe(0);
    sa.decide(c.id, x.id, 'Enhancements', 'accepted', 4, 'L', T0);
    const w = sa.withdraw(c.id, 'UX', T0);
    expect(w.freedSeats.map((d) => d.role)).toEqual(['Enhancements']);
    expect(code(() => sa.decide(c.id, x.id, 'Enhancements', 'accepted', 4, 'L', T0))).toBe('withdrawn');
    expect(code(() => sa.withdraw(c.id, 'UX', T0))).toBe('withdrawn');
    // After the close instant nothing can be saved or withdrawn.
    expect(code(() => sa.saveApplication(c.id, 'UQ', input(['Docs']), CLOSES))).toBe('closed');
    const y = sa.saveApplication(c.id, 'UY', input(['Docs']), T0).application;
    sa.closeCycle(c.id, 'U1', T0);
    expect(sa.markPublished(c.id, 'U1', T0)).toBe(true);
    expect(sa.markPublished(c.id, 'U1', T0)).toBe(false);
    expect(code(() => sa.decide(c.id, y.id, 'Docs', 'accepted', 4, 'L', T0))).toBe('published');
  });
});
