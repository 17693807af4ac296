/**
 * A unified diff of two texts (`diff -u` layout, 3 lines of context), for the preview of the roster
 * and user-group pull requests. Pure; line-based longest common subsequence.
 */

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/** Cells above which the quadratic table is not built: the whole file is shown as replaced. */
const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out.at(-1) === '') out.pop();
  return out;
}

function ops(a: string[], b: string[]): Op[] {
  // Common head and tail first: most edits touch a few lines of a long file.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: Op[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: ' ', line: a[i]!, a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) out.push({ kind: '-', line: a[i]!, a: i, b: start });
    for (let j = start; j < endB; j++) out.push({ kind: '+', line: b[j]!, a: endA, b: j });
  } else {
    const w = m + 1;
    const t = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        t[i * w + j] =
          a[start + i] === b[start + j]
            ? t[(i + 1) * w + j + 1]! + 1
            : Math.max(t[(i + 1) * w + j]!, t[i * w + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ kind: ' ', line: a[start + i]!, a: start + i, b: start + j });
        i++;
        j++;
      } else if (i < n && (j === m || t[(i + 1) * w + j]! >= t[i * w + j + 1]!)) {
        // Removals before additions, as `diff -u` prints a changed line.
        out.push({ kind: '-', line: a[start + i]!, a: start + i, b: start + j });
        i++;
      } else {
        out.push({ kind: '+', line: b[start + j]!, a: start + i, b: start + j });
        j++;
      }
    }
  }
  for (let i = endA, j = endB; i < a.length; i++, j++) out.push({ kind: ' ', line: a[i]!, a: i, b: j });
  return out;
}

/** Added and removed line counts. */
export function diffStat(before: string, after: string): { added: number; removed: number } {
  const o = ops(lines(before), lines(after));
  return { added: o.filter((x) => x.kind === '+').length, removed: o.filter((x) => x.kind === '-').length };
}

/**
 * `--- a/path` / `+++ b/path` and the hunks; empty when the texts are equal. A new file diffs
 * against /dev/null.
 */
export function unifiedDiff(before: string | undefined, after: string, path: string, context = 3): string {
  if (before === after) return '';
  const o = ops(lines(before ?? ''), lines(after));
  const changed = o.map((x, i) => (x.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (!changed.length) return '';
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(o.length - 1, i + context);
    const last = hunks.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const out = [before === undefined ? '--- /dev/null' : `--- a/${path}`, `+++ b/${path}`];
  for (const [from, to] of hunks) {
    const part = o.slice(from, to + 1);
    const aLen = part.filter((x) => x.kind !== '+').length;
    const bLen = part.filter((x) => x.kind !== '-').length;
    const aStart = aLen ? part.find((x) => x.kind !== '+')!.a + 1 : part[0]!.a;
    const bStart = bLen ? part.find((x) => x.kind !== '-')!.b + 1 : part[0]!.b;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const x of part) out.push(`${x.kind}${x.line}`);
  }
  if (!after.endsWith('\n') && after !== '') out.push('\\ No newline at end of file');
  return `${out.join('\n')}\n`;
}
