import { fixture } from '../fixtures';
import type { GitHubEmulator } from './github/server';

/**
 * The real SIG Release schedule files, served by the emulated GitHub's contents API at the paths
 * relbot.yaml points at (the defaults of `schedule.sources` plus the v1.36 and v1.34 pages), for
 * the local sandbox, e2e tests and benchmarks. Call `h.relbot.jobs.run('schedule-sync')` (or
 * `/schedule sync` as an admin) afterwards to import them.
 */

export const SCHEDULE_FILES = [
  {
    repo: 'kubernetes/sig-release',
    path: 'releases/release-1.37/README.md',
    ref: 'master',
    fixture: 'release-1.37-README.md',
  },
  {
    repo: 'kubernetes/sig-release',
    path: 'releases/release-1.36/README.md',
    ref: 'master',
    fixture: 'release-1.36-README.md',
  },
  {
    repo: 'kubernetes/sig-release',
    path: 'releases/release-1.34/README.md',
    ref: 'master',
    fixture: 'release-1.34-README.md',
  },
  { repo: 'kubernetes/website', path: 'data/releases/schedule.yaml', ref: 'main', fixture: 'schedule.yaml' },
  { repo: 'kubernetes/website', path: 'data/releases/eol.yaml', ref: 'main', fixture: 'eol.yaml' },
  // The newest upstream copy (October 2024): nothing ahead in it; point `schedule.sources.patches` at
  // this ref to see relbot say so.
  {
    repo: 'kubernetes/website',
    path: 'data/releases/schedule.yaml',
    ref: 'upstream-2024-10',
    fixture: 'schedule-upstream-2024-10.yaml',
  },
] as const;

export function seedSchedule(github: GitHubEmulator): void {
  for (const f of SCHEDULE_FILES) {
    const [owner, repo] = f.repo.split('/') as [string, string];
    github.setFile(owner, repo, f.path, fixture(f.fixture), f.ref);
  }
}

/** relbot.yaml `schedule.sources` for all three seeded cycle pages (tests and the sandbox). */
export function scheduleSourcesConfig(): Record<string, unknown> {
  return {
    cycles: SCHEDULE_FILES.filter((f) => f.path.endsWith('README.md')).map((f) => ({
      repo: f.repo,
      path: f.path,
      ref: f.ref,
    })),
    patches: { repo: 'kubernetes/website', path: 'data/releases/schedule.yaml', ref: 'main' },
    eol: { repo: 'kubernetes/website', path: 'data/releases/eol.yaml', ref: 'main' },
  };
}
