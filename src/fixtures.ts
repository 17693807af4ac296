import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Real SIG Release files (verbatim copies, see fixtures/k8s/SOURCES.md), used by tests, the local
 * sandbox and the benchmarks. Found from the source tree and from the built `dist/` alike.
 */
function findFixtures(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'fixtures', 'k8s');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`fixtures/k8s not found above ${__dirname}`);
}

export const FIXTURES_DIR = findFixtures();

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
