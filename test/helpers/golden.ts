import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SlackResponse } from '../../src/sandbox/slack/driver';
import type { SlackEmulator } from '../../src/sandbox/slack/server';

/**
 * Golden messages: what relbot sent, captured at the emulated Slack's wire (never from a renderer
 * function), normalized, rendered as readable text, linted against Slack's rules, and compared
 * with (or written to) test/golden/messages/<kind>.json and .txt.
 */

type Json = Record<string, unknown>;

export type Via =
  | 'ack'
  | 'response_url'
  | 'chat.postMessage'
  | 'chat.postEphemeral'
  | 'chat.update'
  | 'views.open'
  | 'views.update'
  | 'views.push'
  | 'views.publish';

/** One message (or modal, or modal answer) as relbot sent it. */
export interface Captured {
  via: Via;
  /** The arguments of the Web API call, the response_url body, or the ack body. */
  payload: Json;
  /** For a view_submission answer: the modal it answers (so the text shows errors in place). */
  view?: Json;
}

const SENT_METHODS = new Set<string>([
  'response_url',
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'views.open',
  'views.update',
  'views.push',
  'views.publish',
]);

/** Everything relbot sent to the emulated Slack (successfully) since call index `mark`. */
export function sentSince(slack: SlackEmulator, mark: number): Captured[] {
  return slack.calls
    .slice(mark)
    .filter((c) => c.ok && SENT_METHODS.has(c.method))
    .map((c) => ({ via: c.method as Via, payload: structuredClone(c.args) }));
}

/** The body relbot answered in the HTTP ack, when it answered with one. */
export function ackOf(res: SlackResponse): Captured | undefined {
  return res.body && typeof res.body === 'object' ? { via: 'ack', payload: res.body as Json } : undefined;
}

// ------------------------------------------------------------------------------- normalization

const VOLATILE_KEYS: Record<string, string> = {
  ts: '<ts>',
  thread_ts: '<ts>',
  message_ts: '<ts>',
  trigger_id: '<trigger_id>',
  view_id: '<view_id>',
  hash: '<hash>',
  response_url: '<response_url>',
};
const DROPPED_KEYS = new Set(['token']);

export function normalizeString(s: string): string {
  return s
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>')
    .replace(/\/response\/[0-9a-f]+/g, '/response/<id>')
    .replace(/\/tmp\/relbot-[\w.-]+/g, '<tmp>');
}

/** Replaces what differs from run to run (ports, message ts, trigger ids, response URLs, temp paths). */
export function normalize<T>(value: T): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (key && key in VOLATILE_KEYS && (typeof v === 'string' || typeof v === 'number'))
      return VOLATILE_KEYS[key];
    if (typeof v === 'string') return normalizeString(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      const out: Json = {};
      for (const [k, x] of Object.entries(v as Json)) if (!DROPPED_KEYS.has(k)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

// -------------------------------------------------------------------------------- text rendering

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const textOf = (t: unknown): string => (isObj(t) ? str(t.text) : str(t));
const indent = (s: string, pad: string) => s.replace(/\n/g, `\n${pad}`);

function renderButton(e: Json): string {
  const parts: string[] = [];
  if (e.style) parts.push(str(e.style));
  if (e.url) parts.push(`url ${str(e.url)}`);
  let out = `[${textOf(e.text)}]${parts.length ? ` (${parts.join(', ')})` : ''}`;
  if (isObj(e.confirm)) {
    const c = e.confirm;
    out += ` {confirm "${textOf(c.title)}": ${textOf(c.text)} [${textOf(c.confirm)}]/[${textOf(c.deny)}]}`;
  }
  return out;
}

function optionsOf(e: Json): string[] {
  return ((e.options as Json[] | undefined) ?? []).map((o) => textOf(o.text));
}

function renderElement(e: Json): string {
  const initial = isObj(e.initial_option) ? textOf(e.initial_option.text) : undefined;
  switch (e.type) {
    case 'button':
      return renderButton(e);
    case 'plain_text_input': {
      const value = e.initial_value !== undefined ? str(e.initial_value) : '______';
      const extra = [
        e.multiline ? 'multiline' : '',
        e.max_length !== undefined ? `max ${str(e.max_length)}` : '',
        e.placeholder ? `placeholder "${textOf(e.placeholder)}"` : '',
      ].filter(Boolean);
      return `[${value}]${extra.length ? ` (${extra.join(', ')})` : ''}`;
    }
    case 'number_input':
      return `[#${e.initial_value !== undefined ? str(e.initial_value) : '___'}]`;
    case 'static_select':
    case 'multi_static_select':
      return `[▾ ${initial ?? (e.placeholder ? textOf(e.placeholder) : 'choose')}] of ${optionsOf(e).join(' | ')}`;
    case 'radio_buttons':
    case 'checkboxes':
      return optionsOf(e)
        .map((o) => `${e.type === 'radio_buttons' ? (o === initial ? '(•)' : '( )') : '[ ]'} ${o}`)
        .join('  ');
    case 'users_select':
    case 'datepicker':
    case 'timepicker':
      return `[${str(e.type)}${e.placeholder ? ` "${textOf(e.placeholder)}"` : ''}]`;
    case 'image':
      return `(image ${str(e.alt_text)})`;
    default:
      if (e.type === 'mrkdwn' || e.type === 'plain_text') return textOf(e);
      return `(${str(e.type)})`;
  }
}

function renderBlock(b: Json, errors: Record<string, string>): string {
  const id = b.block_id !== undefined ? `  #${str(b.block_id)}` : '';
  switch (b.type) {
    case 'header':
      return `== ${textOf(b.text)} ==${id}`;
    case 'section': {
      const lines: string[] = [];
      if (b.text !== undefined) lines.push(`| ${indent(textOf(b.text), '| ')}`);
      for (const f of (b.fields as unknown[] | undefined) ?? [])
        lines.push(`|  field: ${indent(textOf(f), '|    ')}`);
      if (isObj(b.accessory)) lines.push(`|  accessory: ${renderElement(b.accessory)}`);
      return lines.join('\n') + id;
    }
    case 'context':
      return `(context) ${((b.elements as Json[] | undefined) ?? []).map((e) => indent(renderElement(e), '          ')).join(' · ')}${id}`;
    case 'actions':
      return `(actions) ${((b.elements as Json[] | undefined) ?? []).map(renderElement).join('  ')}${id}`;
    case 'divider':
      return '--------';
    case 'input': {
      const el = isObj(b.element) ? b.element : {};
      const lines = [`${textOf(b.label)}: ${renderElement(el)}${b.optional ? '  (optional)' : ''}${id}`];
      if (b.hint) lines.push(`  hint: ${textOf(b.hint)}`);
      const err = errors[str(b.block_id)];
      if (err !== undefined) lines.push(`  ERROR: ${err}`);
      return lines.join('\n');
    }
    case 'image':
      return `(image ${str(b.alt_text)})${id}`;
    default:
      return `(${str(b.type)} block)${id}`;
  }
}

function renderBlocks(blocks: unknown, errors: Record<string, string> = {}): string[] {
  return ((blocks as Json[] | undefined) ?? []).map((b) => renderBlock(b, errors));
}

function renderView(view: Json, errors: Record<string, string> = {}): string[] {
  const head = [
    view.type === 'home' ? 'home tab' : `modal: "${textOf(view.title)}"`,
    view.submit ? `submit [${textOf(view.submit)}]` : '',
    view.close ? `close [${textOf(view.close)}]` : '',
    view.callback_id ? `callback_id ${str(view.callback_id)}` : '',
  ].filter(Boolean);
  const out = [head.join('  ')];
  if (view.private_metadata) out.push(`private_metadata: ${str(view.private_metadata)}`);
  out.push('--- blocks', ...renderBlocks(view.blocks, errors));
  const known = new Set(((view.blocks as Json[] | undefined) ?? []).map((b) => str(b.block_id)));
  const stray = Object.entries(errors).filter(([k]) => !known.has(k));
  if (stray.length) out.push('--- errors for unknown blocks', ...stray.map(([k, v]) => `${k}: ${v}`));
  return out;
}

/** A readable rendering of what relbot sent: header lines, sections, fields, context, buttons, inputs. */
export function renderText(kind: string, c: Captured): string {
  const p = c.payload;
  const out = [`kind: ${kind}`];
  const where = [
    `via: ${c.via}`,
    p.channel ? `channel ${str(p.channel)}` : '',
    p.user ? `to ${str(p.user)}` : '',
    p.response_type ? str(p.response_type) : '',
    p.replace_original === true || p.replace_original === 'true' ? 'replace_original' : '',
  ].filter(Boolean);
  out.push(where.join('  '));
  if (isObj(p.metadata) && isObj(p.metadata.event_payload))
    out.push(`metadata: ${str(p.metadata.event_type)} ${str(p.metadata.event_payload.key)}`);
  if (isObj(p.view)) {
    out.push(...renderView(p.view));
  } else if (p.response_action === 'errors') {
    const errors = (p.errors ?? {}) as Record<string, string>;
    out.push('response_action: errors');
    if (c.view) out.push(...renderView(c.view, errors));
    else out.push(...Object.entries(errors).map(([k, v]) => `ERROR ${k}: ${v}`));
  } else if (p.response_action) {
    out.push(`response_action: ${str(p.response_action)}`);
    if (isObj(p.view)) out.push(...renderView(p.view));
  } else {
    if (p.text !== undefined) out.push(`text: ${indent(str(p.text), '      ')}`);
    if (p.blocks !== undefined) out.push('--- blocks', ...renderBlocks(p.blocks));
  }
  return `${out.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------ lint

export type Rule = 'angle-token' | 'optional-label' | 'iso-timestamp' | 'raw-channel-id' | 'limit';

export interface Finding {
  rule: Rule;
  /** Where in the payload, e.g. blocks[2].text. */
  path: string;
  excerpt: string;
}

interface VisibleText {
  path: string;
  text: string;
  mrkdwn: boolean;
}

/** Slack's control sequences that are meant as such; anything else in <…> is read as a link. */
const VALID_TOKENS = [
  /^@[UW][A-Z0-9]+(\|[^>]*)?$/,
  /^#C[A-Z0-9]+(\|[^>]*)?$/,
  /^!subteam\^S[A-Z0-9]+(\|[^>]*)?$/,
  /^!date\^\d+\^[^|>]+(\^[^|>]+)?\|[^>]*$/,
  /^(https?:\/\/|mailto:)[^\s|>]+(\|[^>]*)?$/,
];
const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/;
const CHANNEL_ID = /\b[CG](?=[A-Z0-9]*\d)[A-Z0-9]{7,11}\b/;

/** What a reader sees of a mrkdwn text: link labels instead of targets, no control sequences. */
export function visible(text: string): string {
  return text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    if (/^(https?:\/\/|mailto:|!date\^)/.test(inner)) return bar >= 0 ? inner.slice(bar + 1) : inner;
    if (VALID_TOKENS.some((re) => re.test(inner)) || /^!(here|channel|everyone)$/.test(inner)) return ' ';
    return `<${inner}>`;
  });
}

const excerptAround = (text: string, index: number, len: number) => {
  const from = Math.max(0, index - 30);
  const to = Math.min(text.length, index + len + 30);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`.replace(/\n/g, '⏎');
};

function collect(c: Captured): { texts: VisibleText[]; limits: Finding[]; optional: Finding[] } {
  const texts: VisibleText[] = [];
  const limits: Finding[] = [];
  const optional: Finding[] = [];
  const limit = (path: string, what: string, n: number, max: number) => {
    if (n > max) limits.push({ rule: 'limit', path, excerpt: `${what} is ${n}; Slack allows ${max}` });
  };
  const text = (path: string, t: unknown, max?: number) => {
    if (!isObj(t) || typeof t.text !== 'string') return;
    texts.push({ path, text: t.text, mrkdwn: t.type === 'mrkdwn' });
    if (max !== undefined) limit(path, 'text length', t.text.length, max);
  };
  const element = (path: string, e: Json) => {
    if (e.type === 'mrkdwn' || e.type === 'plain_text') return text(path, e, 3000);
    if (e.type === 'button') {
      text(`${path}.text`, e.text, 75);
      if (typeof e.value === 'string') limit(`${path}.value`, 'value length', e.value.length, 2000);
    }
    if (typeof e.action_id === 'string')
      limit(`${path}.action_id`, 'action_id length', e.action_id.length, 255);
    if (e.placeholder) text(`${path}.placeholder`, e.placeholder, 150);
    if (typeof e.initial_value === 'string')
      limit(`${path}.initial_value`, 'initial_value length', e.initial_value.length, 3000);
    const options = (e.options as Json[] | undefined) ?? [];
    limit(`${path}.options`, 'options', options.length, 100);
    options.forEach((o, i) => {
      text(`${path}.options[${i}].text`, o.text, 75);
      if (typeof o.value === 'string')
        limit(`${path}.options[${i}].value`, 'value length', o.value.length, 150);
    });
    if (isObj(e.confirm)) {
      text(`${path}.confirm.title`, e.confirm.title, 100);
      text(`${path}.confirm.text`, e.confirm.text, 300);
      text(`${path}.confirm.confirm`, e.confirm.confirm, 30);
      text(`${path}.confirm.deny`, e.confirm.deny, 30);
    }
  };
  const blocks = (path: string, list: unknown, max: number) => {
    const bs = (list as Json[] | undefined) ?? [];
    limit(path, 'blocks', bs.length, max);
    for (const [i, b] of bs.entries()) {
      const p = `${path}[${i}]`;
      if (typeof b.block_id === 'string') limit(`${p}.block_id`, 'block_id length', b.block_id.length, 255);
      switch (b.type) {
        case 'header':
          text(`${p}.text`, b.text, 150);
          break;
        case 'section': {
          text(`${p}.text`, b.text, 3000);
          const fields = (b.fields as unknown[] | undefined) ?? [];
          limit(`${p}.fields`, 'fields', fields.length, 10);
          for (const [j, f] of fields.entries()) text(`${p}.fields[${j}]`, f, 2000);
          if (isObj(b.accessory)) element(`${p}.accessory`, b.accessory);
          break;
        }
        case 'context': {
          const els = (b.elements as Json[] | undefined) ?? [];
          limit(`${p}.elements`, 'context elements', els.length, 10);
          for (const [j, e] of els.entries()) element(`${p}.elements[${j}]`, e);
          break;
        }
        case 'actions': {
          const els = (b.elements as Json[] | undefined) ?? [];
          limit(`${p}.elements`, 'actions elements', els.length, 25);
          for (const [j, e] of els.entries()) element(`${p}.elements[${j}]`, e);
          break;
        }
        case 'input': {
          text(`${p}.label`, b.label, 2000);
          text(`${p}.hint`, b.hint, 2000);
          if (isObj(b.element)) element(`${p}.element`, b.element);
          const label = textOf(b.label);
          if (b.optional === true && /\(optional\)/i.test(label))
            optional.push({ rule: 'optional-label', path: `${p}.label`, excerpt: label });
          break;
        }
        default:
          break;
      }
    }
  };
  const p = c.payload;
  const view = isObj(p.view) ? p.view : p.response_action === 'errors' ? c.view : undefined;
  if (view) {
    text('view.title', view.title, 24);
    text('view.submit', view.submit, 24);
    text('view.close', view.close, 24);
    if (typeof view.private_metadata === 'string')
      limit('view.private_metadata', 'private_metadata length', view.private_metadata.length, 3000);
    blocks('view.blocks', view.blocks, 100);
  }
  if (p.response_action === 'errors' && isObj(p.errors))
    for (const [k, v] of Object.entries(p.errors))
      texts.push({ path: `errors.${k}`, text: str(v), mrkdwn: false });
  if (!isObj(p.view) && p.response_action === undefined) {
    if (typeof p.text === 'string') {
      texts.push({ path: 'text', text: p.text, mrkdwn: p.mrkdwn !== false && p.mrkdwn !== 'false' });
      limit('text', 'text length', p.text.length, 40000);
    }
    blocks('blocks', p.blocks, 50);
  }
  return { texts, limits, optional };
}

/** Every rule a captured message breaks. */
export function lint(c: Captured): Finding[] {
  const { texts, limits, optional } = collect(c);
  const out: Finding[] = [...optional];
  for (const t of texts) {
    if (t.mrkdwn) {
      for (const m of t.text.matchAll(/<([^<>]*)>/g)) {
        const inner = m[1] ?? '';
        if (!VALID_TOKENS.some((re) => re.test(inner)))
          out.push({
            rule: 'angle-token',
            path: t.path,
            excerpt: excerptAround(t.text, m.index ?? 0, m[0].length),
          });
      }
    }
    const seen = t.mrkdwn ? visible(t.text) : t.text;
    const iso = ISO.exec(seen);
    if (iso)
      out.push({
        rule: 'iso-timestamp',
        path: t.path,
        excerpt: excerptAround(seen, iso.index, iso[0].length),
      });
    const ch = CHANNEL_ID.exec(seen);
    if (ch)
      out.push({
        rule: 'raw-channel-id',
        path: t.path,
        excerpt: excerptAround(seen, ch.index, ch[0].length),
      });
  }
  return [...out, ...limits];
}

// ---------------------------------------------------------------------------------- golden files

export interface Mismatch {
  kind: string;
  file: string;
  diff: string;
}

/** A short line diff: the changed region between the common head and tail, at most `max` lines. */
export function shortDiff(expected: string, actual: string, max = 24): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const removed = a.slice(head, a.length - tail).map((l) => `- ${l}`);
  const added = b.slice(head, b.length - tail).map((l) => `+ ${l}`);
  const lines = [`@@ line ${head + 1} @@`, ...removed, ...added];
  return (lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more lines`] : lines).join(
    '\n',
  );
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : isObj(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortKeys(v[k])]),
        )
      : v;

/**
 * The catalogue's golden files. `record` normalizes and lints a message, then compares it with its
 * files (or, with `update`, writes them). JSON files are compared by content, so Biome's formatting
 * of them is kept; the text files byte for byte.
 */
export class GoldenBook {
  readonly kinds = new Map<string, Captured>();
  readonly mismatches: Mismatch[] = [];
  readonly findings: Array<Finding & { kind: string }> = [];
  private readonly written: string[] = [];

  constructor(
    readonly dir: string,
    readonly update: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  record(kind: string, captured: Captured | undefined): void {
    if (!/^[a-z0-9]+(\.[a-z0-9-]+)+$/.test(kind)) throw new Error(`bad golden kind name ${kind}`);
    if (!captured) throw new Error(`golden ${kind}: relbot sent nothing to capture`);
    if (this.kinds.has(kind)) throw new Error(`golden ${kind} recorded twice`);
    const c = normalize(captured);
    this.kinds.set(kind, c);
    for (const f of lint(c)) this.findings.push({ kind, ...f });
    const json = { kind, via: c.via, ...(c.view ? { view: c.view } : {}), payload: c.payload };
    const text = renderText(kind, c);
    const jsonFile = join(this.dir, `${kind}.json`);
    const txtFile = join(this.dir, `${kind}.txt`);
    const oldJson = existsSync(jsonFile) ? readFileSync(jsonFile, 'utf8') : undefined;
    const oldText = existsSync(txtFile) ? readFileSync(txtFile, 'utf8') : undefined;
    const newJson = `${JSON.stringify(json, null, 2)}\n`;
    const sameJson =
      oldJson !== undefined &&
      JSON.stringify(sortKeys(JSON.parse(oldJson))) === JSON.stringify(sortKeys(JSON.parse(newJson)));
    if (this.update) {
      if (!sameJson) {
        writeFileSync(jsonFile, newJson);
        this.written.push(jsonFile);
      }
      if (oldText !== text) writeFileSync(txtFile, text);
      return;
    }
    if (oldJson === undefined || oldText === undefined) {
      this.mismatches.push({
        kind,
        file: oldJson === undefined ? `${kind}.json` : `${kind}.txt`,
        diff: 'missing golden file (run `npm run golden` to write it)',
      });
      return;
    }
    if (oldText !== text) this.mismatches.push({ kind, file: `${kind}.txt`, diff: shortDiff(oldText, text) });
    else if (!sameJson)
      this.mismatches.push({
        kind,
        file: `${kind}.json`,
        diff: shortDiff(
          JSON.stringify(sortKeys(JSON.parse(oldJson)), null, 2),
          JSON.stringify(sortKeys(json), null, 2),
        ),
      });
  }

  /** Golden files in the directory that no test recorded (a kind that disappeared or was renamed). */
  stale(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /\.(json|txt)$/.test(f))
      .filter((f) => !this.kinds.has(f.replace(/\.(json|txt)$/, '')))
      .sort();
  }

  /** In update mode: removes stale files and formats the JSON written with the repository's Biome. */
  finish(): void {
    if (!this.update) return;
    for (const f of this.stale()) rmSync(join(this.dir, f));
    if (this.written.length) {
      const biome = join(__dirname, '..', '..', 'node_modules', '.bin', 'biome');
      execFileSync(biome, ['format', '--write', ...this.written], { stdio: 'ignore' });
    }
  }
}

/**
 * The two checks every golden file ends with: each recorded kind matches its file (and no file is
 * left that nothing records), and the lint finds exactly the known violations. Topic catalogues
 * (test/golden/<topic>.test.ts) keep their files in their own folder, test/golden/messages/<topic>/,
 * so each book's stale check sees only its own kinds.
 */
export function describeBookChecks(
  book: GoldenBook,
  known: Array<{ kind: string; rule: string; note: string }> = [],
): void {
  describe('the catalogue', () => {
    afterAll(() => {
      book.finish();
    });

    test('every golden file matches what relbot sent', () => {
      const problems = book.mismatches.map((m) => `${m.file}:\n${m.diff}`);
      if (!book.update)
        for (const f of book.stale())
          problems.push(`${f}: no test records this kind any more (run \`npm run golden\`)`);
      if (problems.length)
        throw new Error(
          `${problems.length} golden file(s) differ from what relbot sent ` +
            `(review, then \`npm run golden\` to accept):\n\n${problems.join('\n\n')}`,
        );
    });

    test('the lint finds exactly the known violations', () => {
      const found = book.findings.map((f) => `${f.kind} ${f.rule}`);
      const knownKeys = known.map((v) => `${v.kind} ${v.rule}`);
      const unexpected = book.findings.filter((f) => !knownKeys.includes(`${f.kind} ${f.rule}`));
      const fixed = known.filter((v) => !found.includes(`${v.kind} ${v.rule}`));
      const lines = [
        ...unexpected.map((f) => `new: ${f.kind} ${f.rule} at ${f.path}: ${f.excerpt}`),
        ...fixed.map((v) => `gone (delete it from the known list): ${v.kind} ${v.rule}`),
      ];
      if (lines.length) throw new Error(lines.join('\n'));
    });
  });
}
