import { Lexer, type Token, type Tokens } from 'marked';
import { DateFormatError, parseWhen } from './dates';
import type { CycleDoc, Milestone, MilestoneKind, RowProblem } from './model';

/**
 * Parser of a release cycle page (`releases/release-1.XX/README.md` of kubernetes/sig-release):
 * the Timeline table, read with marked's lexer (GFM tables, reference links, bold), not by splitting
 * lines. A row whose date cannot be read is reported and left out; the other rows are imported.
 */

export class CycleParseError extends Error {}

/** Plain text of inline tokens: emphasis, links (reference or inline) and code reduced to their text. */
export function inlineText(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  let out = '';
  for (const t of tokens) {
    const withChildren = t as Token & { tokens?: Token[]; text?: string };
    if (t.type === 'br') out += ' ';
    else if (withChildren.tokens && withChildren.tokens.length > 0) out += inlineText(withChildren.tokens);
    else if (t.type === 'escape' || t.type === 'codespan' || t.type === 'text' || t.type === 'link')
      out += withChildren.text ?? '';
    else if (t.type === 'html') out += '';
    else out += withChildren.text ?? t.raw;
  }
  return out;
}

/** Removes what the lexer leaves of links whose reference is not defined, e.g. `[Exceptions][Exception]`. */
function tidy(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/\[([^\]]+)\](?!\()/g, '$1')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function cellText(cell: Tokens.TableCell): string {
  return tidy(inlineText(cell.tokens));
}

/** A cell is bold when its first token is `strong` (e.g. `**Begin [Code Freeze]** (...)`). */
function cellIsBold(cell: Tokens.TableCell): boolean {
  const first = cell.tokens.find((t) => !(t.type === 'text' && !t.raw.trim()));
  return first?.type === 'strong';
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'row'
  );
}

function versionOf(markdown: string, fallback?: string): string | undefined {
  const title =
    /^title:\s*"?Kubernetes v?(\d+\.\d+)/m.exec(markdown) ?? /^#\s+Kubernetes v?(\d+\.\d+)/m.exec(markdown);
  return title?.[1] ?? fallback;
}

function findTimeline(tokens: Token[]): Tokens.Table | undefined {
  let afterTimeline = false;
  let fallback: Tokens.Table | undefined;
  for (const t of tokens) {
    if (t.type === 'heading') afterTimeline = /timeline/i.test((t as Tokens.Heading).text);
    if (t.type !== 'table') continue;
    const table = t as Tokens.Table;
    const header = table.header.map((h) => tidy(inlineText(h.tokens)).toLowerCase());
    if (!header.includes('what') || !header.includes('when')) continue;
    if (afterTimeline) return table;
    fallback ??= table;
  }
  return fallback;
}

export function kindsFor(name: string, bold: boolean): MilestoneKind[] {
  const kinds: MilestoneKind[] = [];
  if (bold && /\bfreeze\b/i.test(name)) kinds.push('hardFreeze');
  if (/^v?\d+\.\d+\.0 released\b/i.test(name)) kinds.push('releaseDay');
  return kinds;
}

/** Parses a cycle README. Throws CycleParseError when there is no Timeline table or no version. */
export function parseCycleReadme(markdown: string, opts: { version?: string } = {}): CycleDoc {
  const version = versionOf(markdown, opts.version);
  if (!version)
    throw new CycleParseError('cannot tell which release this page is for (no "Kubernetes v1.XX" title)');
  const tokens = Lexer.lex(markdown, { gfm: true });
  const table = findTimeline(tokens);
  if (!table) throw new CycleParseError('no Timeline table (with What and When columns) found');
  const header = table.header.map((h) => tidy(inlineText(h.tokens)).toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [cWhat, cWho, cWhen, cWeek] = [col('what'), col('who'), col('when'), col('week')];

  const milestones: Milestone[] = [];
  const problems: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((row, i) => {
    const what = row[cWhat] ? cellText(row[cWhat]) : '';
    const when = row[cWhen] ? cellText(row[cWhen]) : '';
    const rowNo = i + 1;
    if (!what && !when) return;
    if (!what) {
      problems.push({ row: rowNo, what, when, message: 'the What cell is empty' });
      return;
    }
    let parsed: ReturnType<typeof parseWhen>;
    try {
      parsed = parseWhen(when);
    } catch (err) {
      if (!(err instanceof DateFormatError)) throw err;
      problems.push({ row: rowNo, what, when, message: err.message });
      return;
    }
    for (const w of parsed.warnings) warnings.push({ row: rowNo, what, when, message: w });
    const bold = row[cWhat] ? cellIsBold(row[cWhat]) : false;
    const who = cWho >= 0 && row[cWho] ? cellText(row[cWho]) : '';
    const weekText = cWeek >= 0 && row[cWeek] ? cellText(row[cWeek]) : '';
    const week = /(\d+)/.exec(weekText)?.[1];
    const base = `v${version}/${slug(what)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    milestones.push({
      id: n === 1 ? base : `${base}-${n}`,
      source: 'cycle',
      cycle: version,
      name: what,
      ...(who ? { who } : {}),
      ...(week ? { week: Number(week) } : {}),
      timing: parsed.timing,
      bold,
      kinds: kindsFor(what, bold),
      when,
    });
  });
  if (milestones.length === 0)
    throw new CycleParseError(
      `the Timeline table has no row relbot can read${problems[0] ? ` (first problem: ${problems[0].message})` : ''}`,
    );
  return { version, milestones, problems, warnings };
}
