import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npx tsx bench/profile.ts <dir or .cpuprofile>`: where a V8 CPU profile (BENCH_CPU_PROF) spent
 * its time, by self time: per package (node_modules/<pkg>), per relbot file (src/…, commands/…)
 * and per function, as shares of the samples outside idle.
 */

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\.build\/(.*)$/.exec(url) ?? /\/((?:src|commands|bench)\/.*)$/.exec(url);
  if (m) return m[1]!.replace(/\.js$/, '');
  if (url.startsWith('node:')) return url;
  return url ? 'other' : '(native)';
}

export function summarize(p: Profile, top = 15): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byPlace = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (['(idle)', '(program)'].includes(f.functionName)) continue;
    total += us;
    const place = f.functionName === '(garbage collector)' ? '(garbage collector)' : where(f.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const fn = `${f.functionName || '(anonymous)'} ${place}:${f.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return `busy ${(total / 1e6).toFixed(2)} s\nby package / file:\n${list(byPlace)}\nby function:\n${list(byFn)}`;
}

if (require.main === module) {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: npx tsx bench/profile.ts <dir or .cpuprofile>');
  const files = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(arg, f))
    : [arg];
  for (const f of files)
    process.stdout.write(`${f}\n${summarize(JSON.parse(readFileSync(f, 'utf8')) as Profile)}\n\n`);
}
