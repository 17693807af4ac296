import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Real SIG Release files (verbatim copies, see fixtures/k8s/SOURCES.md), used by tests, the local
 * sandbox and the benchmarks.
 */
export const FIXTURES_DIR = resolve(__dirname, '..', 'fixtures', 'k8s');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
