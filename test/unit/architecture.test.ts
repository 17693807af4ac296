import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The rules of the house (docs/architecture.md), checked on the source itself: which layer may
 * import which, no import cycles (type-only imports included: they couple the same way), and files
 * small enough to read in one sitting. The import graph is read lexically with the TypeScript
 * compiler's own pre-processor, so `import type` and re-exports count.
 */

const ROOT = resolve(__dirname, '../..');
const FEATURES = ['schedule', 'cherrypicks', 'blockers', 'shadows', 'backup', 'insight', 'home'];
/** Infrastructure: shared by every feature, knows none of them. */
const INFRA = [
  'src/slack/',
  'src/db/',
  'src/github/',
  'src/jobs/',
  'src/clock.ts',
  'src/log.ts',
  'src/metrics.ts',
  'src/http.ts',
  'src/errors.ts',
  'src/text.ts',
  'src/config-types.ts',
  'src/deps.ts',
  'src/feature.ts',
];
/** The Slack command layer: how an answer is put on the wire. Features never see it. */
const COMMAND_LAYER = ['src/slack/command.ts', 'src/slack/interactions.ts', 'src/slack/answers.ts'];
const MAX_LINES = 450;

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(join(ROOT, rel)).isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

const files = [...walk('src'), ...walk('commands')];

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return spec.startsWith('@slack/bolt') ? '@slack/bolt' : undefined;
  const base = resolve(ROOT, dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate)) return relative(ROOT, candidate);
  return undefined;
}

const graph = new Map<string, string[]>(
  files.map((f) => {
    const info = ts.preProcessFile(readFileSync(join(ROOT, f), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((i) => resolveImport(f, i.fileName))
      .filter((t): t is string => t !== undefined);
    return [f, [...new Set(targets)]];
  }),
);

const featureOf = (f: string) => FEATURES.find((x) => f.startsWith(`src/${x}/`));
const isInfra = (f: string) => INFRA.some((p) => (p.endsWith('/') ? f.startsWith(p) : f === p));

describe('architecture', () => {
  it('reads the whole source tree', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(graph.get('src/app.ts')!.length).toBeGreaterThan(5);
  });

  it('features never import the Slack command layer or Bolt', () => {
    const bad = files.flatMap((f) =>
      featureOf(f)
        ? graph
            .get(f)!
            .filter((t) => t === '@slack/bolt' || COMMAND_LAYER.includes(t))
            .map((t) => `${f} -> ${t}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it('infrastructure imports no feature and no command module', () => {
    const bad = files.flatMap((f) =>
      isInfra(f)
        ? graph
            .get(f)!
            .filter((t) => featureOf(t) || t.startsWith('commands/'))
            .map((t) => `${f} -> ${t}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  /** What a feature lets others ask: `src/<feature>/api.ts`, or one file per asker under `src/<feature>/api/`. */
  const isApi = (t: string) => /^src\/[a-z]+\/(api\.ts|api\/[a-z0-9-]+\.ts)$/.test(t);

  it('features reach each other only through their api.ts (or api/ files)', () => {
    const bad = files.flatMap((f) => {
      const own = featureOf(f);
      if (!own) return [];
      return graph
        .get(f)!
        .filter((t) => {
          const other = featureOf(t);
          return other && other !== own && !isApi(t);
        })
        .map((t) => `${f} -> ${t}`);
    });
    expect(bad).toEqual([]);
  });

  it('has no import cycles (type-only imports included)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (!graph.has(t)) continue;
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' -> '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it(`keeps every file under src/ and commands/ within ${MAX_LINES} lines, or says at its top why not`, () => {
    const long = files.filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      const lines = text.split('\n').length;
      // A longer file is one cohesive thing and says so in its header: `Longer than 450 lines: …`.
      return lines > MAX_LINES && !/Longer than 450 lines: \S/.test(text.split('\n').slice(0, 20).join('\n'));
    });
    expect(long).toEqual([]);
  });
});
