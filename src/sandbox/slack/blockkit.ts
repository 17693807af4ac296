/**
 * Checks Block Kit payloads against Slack's published limits (docs.slack.dev block reference and
 * @slack/types). The emulated Slack runs every message and view through this, so a renderer that
 * builds something Slack would reject fails in tests, not in production.
 */

type Json = Record<string, unknown>;

const MESSAGE_MAX_BLOCKS = 50;
const VIEW_MAX_BLOCKS = 100;
/** Slack rejects messages whose blocks hold more text than this in total (msg_blocks_too_long), bolt-js #2509. */
const MESSAGE_MAX_BLOCK_TEXT = 12000;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly errors: string[] = [];
  textTotal = 0;
  fail(path: string, msg: string) {
    this.errors.push(`${path}: ${msg}`);
  }

  text(path: string, t: unknown, opts: { max: number; plainOnly?: boolean; min?: number }) {
    if (!isObj(t)) return this.fail(path, 'must be a text object');
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
      return this.fail(path, `text type must be plain_text or mrkdwn`);
    if (opts.plainOnly && t.type !== 'plain_text') this.fail(path, 'must be plain_text');
    if (typeof t.text !== 'string') return this.fail(path, 'text must be a string');
    const min = opts.min ?? 1;
    if (t.text.length < min) this.fail(path, `text must be at least ${min} character(s)`);
    if (t.text.length > opts.max) this.fail(path, `text is ${t.text.length} characters; max ${opts.max}`);
    this.textTotal += t.text.length;
  }

  str(path: string, v: unknown, max: number, required = true) {
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v.length === 0) return this.fail(path, 'must be a non-empty string');
    if (v.length > max) this.fail(path, `is ${v.length} characters; max ${max}`);
  }

  option(path: string, o: unknown) {
    if (!isObj(o)) return this.fail(path, 'must be an option object');
    this.text(`${path}.text`, o.text, { max: 75 });
    this.str(`${path}.value`, o.value, 150);
    if (o.description !== undefined) this.text(`${path}.description`, o.description, { max: 75 });
  }

  confirm(path: string, c: unknown) {
    if (!isObj(c)) return this.fail(path, 'must be a confirm object');
    this.text(`${path}.title`, c.title, { max: 100, plainOnly: true });
    this.text(`${path}.text`, c.text, { max: 300 });
    this.text(`${path}.confirm`, c.confirm, { max: 30, plainOnly: true });
    this.text(`${path}.deny`, c.deny, { max: 30, plainOnly: true });
  }

  element(path: string, e: unknown, where: 'actions' | 'input' | 'section' | 'context') {
    if (!isObj(e)) return this.fail(path, 'must be an element object');
    if (where === 'context') {
      if (e.type === 'image') return;
      return this.text(path, e, { max: 3000 });
    }
    if (e.action_id !== undefined) this.str(`${path}.action_id`, e.action_id, 255);
    switch (e.type) {
      case 'button':
        if (where === 'input') this.fail(path, 'button is not allowed in an input block');
        this.text(`${path}.text`, e.text, { max: 75, plainOnly: true });
        if (e.value !== undefined) this.str(`${path}.value`, e.value, 2000);
        if (e.url !== undefined) this.str(`${path}.url`, e.url, 3000);
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
          this.fail(`${path}.style`, 'must be primary or danger');
        if (e.confirm !== undefined) this.confirm(`${path}.confirm`, e.confirm);
        break;
      case 'static_select':
      case 'multi_static_select': {
        if (e.placeholder !== undefined)
          this.text(`${path}.placeholder`, e.placeholder, { max: 150, plainOnly: true });
        const opts = e.options;
        if (!Array.isArray(opts) && !Array.isArray(e.option_groups))
          return this.fail(path, 'needs options or option_groups');
        if (Array.isArray(opts)) {
          if (opts.length > 100) this.fail(`${path}.options`, `has ${opts.length} options; max 100`);
          opts.forEach((o, i) => {
            this.option(`${path}.options[${i}]`, o);
          });
        }
        if (e.initial_option !== undefined) this.option(`${path}.initial_option`, e.initial_option);
        if (Array.isArray(e.initial_options))
          e.initial_options.forEach((o, i) => {
            this.option(`${path}.initial_options[${i}]`, o);
          });
        break;
      }
      case 'plain_text_input':
        if (e.placeholder !== undefined)
          this.text(`${path}.placeholder`, e.placeholder, { max: 150, plainOnly: true });
        if (typeof e.max_length === 'number' && (e.max_length < 1 || e.max_length > 3000))
          this.fail(`${path}.max_length`, 'must be 1..3000');
        if (typeof e.min_length === 'number' && (e.min_length < 0 || e.min_length > 3000))
          this.fail(`${path}.min_length`, 'must be 0..3000');
        if (e.initial_value !== undefined && typeof e.initial_value !== 'string')
          this.fail(`${path}.initial_value`, 'must be a string');
        break;
      case 'number_input':
        if (typeof e.is_decimal_allowed !== 'boolean') this.fail(`${path}.is_decimal_allowed`, 'is required');
        break;
      case 'radio_buttons':
      case 'checkboxes': {
        const opts = e.options;
        if (!Array.isArray(opts) || opts.length === 0)
          return this.fail(`${path}.options`, 'needs at least one option');
        if (opts.length > 10) this.fail(`${path}.options`, `has ${opts.length} options; max 10`);
        opts.forEach((o, i) => {
          this.option(`${path}.options[${i}]`, o);
        });
        break;
      }
      case 'datepicker':
      case 'timepicker':
      case 'users_select':
      case 'conversations_select':
      case 'channels_select':
        break;
      case 'overflow': {
        const opts = e.options;
        if (!Array.isArray(opts) || opts.length < 1 || opts.length > 5)
          this.fail(`${path}.options`, 'must have 1..5 options');
        break;
      }
      case 'image':
        if (where !== 'section') this.fail(path, 'image element only as a section accessory');
        break;
      default:
        this.fail(path, `unknown or unsupported element type ${JSON.stringify(e.type)}`);
    }
  }

  block(path: string, b: unknown, surface: 'message' | 'modal') {
    if (!isObj(b)) return this.fail(path, 'must be a block object');
    if (b.block_id !== undefined) this.str(`${path}.block_id`, b.block_id, 255);
    switch (b.type) {
      case 'header':
        this.text(`${path}.text`, b.text, { max: 150, plainOnly: true });
        break;
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.fail(path, 'section needs text or fields');
        if (b.text !== undefined) this.text(`${path}.text`, b.text, { max: 3000 });
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0)
            this.fail(`${path}.fields`, 'must be a non-empty array');
          else {
            if (b.fields.length > 10) this.fail(`${path}.fields`, `has ${b.fields.length} fields; max 10`);
            b.fields.forEach((f, i) => {
              this.text(`${path}.fields[${i}]`, f, { max: 2000 });
            });
          }
        }
        if (b.accessory !== undefined) this.element(`${path}.accessory`, b.accessory, 'section');
        break;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          return this.fail(`${path}.elements`, 'must be a non-empty array');
        if (b.elements.length > 10)
          this.fail(`${path}.elements`, `has ${b.elements.length} elements; max 10`);
        b.elements.forEach((e, i) => {
          this.element(`${path}.elements[${i}]`, e, 'context');
        });
        break;
      }
      case 'divider':
        break;
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          return this.fail(`${path}.elements`, 'must be a non-empty array');
        if (b.elements.length > 25)
          this.fail(`${path}.elements`, `has ${b.elements.length} elements; max 25`);
        b.elements.forEach((e, i) => {
          this.element(`${path}.elements[${i}]`, e, 'actions');
        });
        const ids = b.elements
          .map((e) => (isObj(e) ? e.action_id : undefined))
          .filter((x) => x !== undefined);
        if (new Set(ids).size !== ids.length)
          this.fail(`${path}.elements`, 'action_id values must be unique in a block');
        break;
      }
      case 'input':
        if (surface === 'message') this.fail(path, 'input blocks belong in modals');
        this.text(`${path}.label`, b.label, { max: 2000, plainOnly: true });
        if (b.hint !== undefined) this.text(`${path}.hint`, b.hint, { max: 2000, plainOnly: true });
        this.element(`${path}.element`, b.element, 'input');
        break;
      case 'image':
        this.str(`${path}.image_url`, b.image_url, 3000);
        this.str(`${path}.alt_text`, b.alt_text, 2000);
        break;
      case 'rich_text':
        break;
      default:
        this.fail(path, `unknown block type ${JSON.stringify(b.type)}`);
    }
  }

  blocks(path: string, blocks: unknown, surface: 'message' | 'modal') {
    if (!Array.isArray(blocks)) return this.fail(path, 'must be an array');
    const max = surface === 'message' ? MESSAGE_MAX_BLOCKS : VIEW_MAX_BLOCKS;
    if (blocks.length > max) this.fail(path, `has ${blocks.length} blocks; max ${max}`);
    blocks.forEach((b, i) => {
      this.block(`${path}[${i}]`, b, surface);
    });
    const ids = blocks.map((b) => (isObj(b) ? b.block_id : undefined)).filter((x) => x !== undefined);
    if (new Set(ids).size !== ids.length) this.fail(path, 'block_id values must be unique');
  }
}

/** Validates a message body (chat.postMessage/update/postEphemeral, response_url, or an ack body). */
export function validateMessage(msg: { text?: unknown; blocks?: unknown }): string[] {
  const c = new Checker();
  if (msg.blocks === undefined && (typeof msg.text !== 'string' || msg.text.length === 0)) {
    c.fail('message', 'needs text or blocks');
  }
  if (typeof msg.text === 'string' && msg.text.length > 40000)
    c.fail('text', `is ${msg.text.length} characters; max 40000`);
  if (msg.blocks !== undefined) {
    c.blocks('blocks', msg.blocks, 'message');
    if (c.textTotal > MESSAGE_MAX_BLOCK_TEXT)
      c.fail('blocks', `hold ${c.textTotal} characters of text; keep under ${MESSAGE_MAX_BLOCK_TEXT}`);
  }
  return c.errors;
}

/** Validates a modal view (views.open / views.update / views.push). */
export function validateView(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view)) return ['view: must be an object'];
  if (view.type !== 'modal') c.fail('view.type', 'must be modal');
  c.text('view.title', view.title, { max: 24, plainOnly: true });
  if (view.submit !== undefined) c.text('view.submit', view.submit, { max: 24, plainOnly: true });
  if (view.close !== undefined) c.text('view.close', view.close, { max: 24, plainOnly: true });
  if (view.callback_id !== undefined) c.str('view.callback_id', view.callback_id, 255);
  if (
    view.private_metadata !== undefined &&
    (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)
  ) {
    c.fail('view.private_metadata', 'must be a string of at most 3000 characters');
  }
  c.blocks('view.blocks', view.blocks, 'modal');
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined)
    c.fail('view.submit', 'is required when the view has input blocks');
  return c.errors;
}

/**
 * Validates a Home tab view (views.publish): type `home`, at most 100 blocks checked as a modal's
 * are, `private_metadata` of at most 3000 characters; no title or submit (Slack ignores them).
 */
export function validateHomeView(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view)) return ['view: must be an object'];
  if (view.type !== 'home') c.fail('view.type', 'must be home');
  if (view.callback_id !== undefined) c.str('view.callback_id', view.callback_id, 255);
  if (
    view.private_metadata !== undefined &&
    (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)
  )
    c.fail('view.private_metadata', 'must be a string of at most 3000 characters');
  c.blocks('view.blocks', view.blocks, 'modal');
  return c.errors;
}
