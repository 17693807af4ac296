import { readFileSync } from 'node:fs';

/** Docker cannot run here; these checks pin what the image promises (README "Deploy"). */
describe('Dockerfile', () => {
  const text = readFileSync('Dockerfile', 'utf8');
  const stages = text.split(/^FROM /m).slice(1);

  it('is multi-stage on Node 20 and builds better-sqlite3 in the build stage', () => {
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s).toMatch(/^node:20-/);
    expect(stages[0]).toMatch(/python3 make g\+\+/);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).not.toMatch(/--ignore-scripts/);
  });

  it('runs as a non-root user with /data as a volume, credentials required, and a HEALTHCHECK on /healthz', () => {
    const runtime = stages[1]!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/RELBOT_REQUIRE_CREDENTIALS=1/);
    expect(runtime).toMatch(/RELBOT_DB=\/data\/relbot\.db/);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(runtime).toMatch(/CMD \["node", "dist\/src\/main\.js"\]/);
  });
});
