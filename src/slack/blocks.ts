import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  HomeView,
  InputBlock,
  InputBlockElement,
  KnownBlock,
  ModalView,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import type { DateTime } from 'luxon';

/**
 * The one Block Kit kit: every message and modal relbot builds is made of these, typed on
 * `@slack/types`, with Slack's published limits enforced here and nowhere else
 * (https://docs.slack.dev/reference/block-kit/blocks). A text past its limit is cut with `…`, and a
 * cut never splits an entity (`&amp;`) or a link/mention (`<…>`), so what remains still renders.
 */

export type { HomeView, KnownBlock, ModalView };

/** Slack's limits, by the field they bound. */
export const LIMITS = {
  /** blocks in a message or a modal */
  blocks: 50,
  /** blocks in a Home tab view (views.publish) */
  homeBlocks: 100,
  /** section text, a context element's text, a field is 2,000 */
  sectionText: 3000,
  fieldText: 2000,
  sectionFields: 10,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  options: 100,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** top-level `text` of a message (Slack truncates past 40,000) */
  messageText: 40_000,
} as const;

/** Room relbot keeps below `sectionText` when it packs lines, so a cut marker still fits. */
const PACK_AT = 2800;

/** A message as relbot sends it: the notification text and its blocks. */
export interface Message {
  text: string;
  blocks?: KnownBlock[];
}

/** Cuts `text` to at most `max` characters (code points), ending in `…`. Plain text: no markup to keep whole. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Cuts mrkdwn to at most `max` characters without splitting `<…>` (links, mentions, date tokens)
 * or `&…;` entities: the cut moves back to before such a token instead.
 */
export function cutMrkdwn(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  let end = Math.max(0, max - 1);
  const head = chars.slice(0, end).join('');
  const openAngle = head.lastIndexOf('<');
  if (openAngle > head.lastIndexOf('>')) end = [...head.slice(0, openAngle)].length;
  else {
    const amp = head.lastIndexOf('&');
    if (amp >= 0 && amp > head.lastIndexOf(';') && head.length - amp <= 8)
      end = [...head.slice(0, amp)].length;
  }
  return `${chars.slice(0, end).join('')}…`;
}

export const plain = (text: string, max: number = LIMITS.buttonText): PlainTextElement => ({
  type: 'plain_text',
  text: cut(text, max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = LIMITS.sectionText): MrkdwnElement => ({
  type: 'mrkdwn',
  text: cutMrkdwn(text, max),
});

export function section(
  text: string,
  opts: { blockId?: string; accessory?: SectionBlock['accessory'] } = {},
): SectionBlock {
  return {
    type: 'section',
    ...(opts.blockId ? { block_id: cut(opts.blockId, LIMITS.blockId) } : {}),
    text: mrkdwn(text),
    ...(opts.accessory ? { accessory: opts.accessory } : {}),
  };
}

/** A section of two-column fields (at most 10, each at most 2,000 characters). */
export function fields(items: string[], text?: string): SectionBlock {
  return {
    type: 'section',
    ...(text ? { text: mrkdwn(text) } : {}),
    fields: items.slice(0, LIMITS.sectionFields).map((t) => mrkdwn(t, LIMITS.fieldText)),
  };
}

export const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: plain(text, LIMITS.headerText),
});

export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)),
});

export const divider = (): DividerBlock => ({ type: 'divider' });

export const actions = (blockId: string | undefined, elements: ActionsBlockElement[]): ActionsBlock => ({
  type: 'actions',
  ...(blockId ? { block_id: cut(blockId, LIMITS.blockId) } : {}),
  elements: elements.slice(0, LIMITS.actionsElements),
});

export function confirmDialog(d: {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
}): ConfirmationDialog {
  return {
    title: plain(d.title, LIMITS.confirmTitle),
    text: mrkdwn(d.text, LIMITS.confirmText),
    confirm: plain(d.confirm, LIMITS.confirmButton),
    deny: plain(d.deny ?? 'Cancel', LIMITS.confirmButton),
  };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  opts: { style?: 'primary' | 'danger'; confirm?: ConfirmationDialog } = {},
): Button {
  if (value.length > LIMITS.buttonValue)
    throw new Error(`button ${actionId}: value over ${LIMITS.buttonValue} characters`);
  return {
    type: 'button',
    text: plain(text, LIMITS.buttonText),
    action_id: cut(actionId, LIMITS.actionId),
    value,
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.confirm ? { confirm: opts.confirm } : {}),
  };
}

/** A select or radio option (plain text, as static_select requires). */
export const option = (text: string, value: string = text): PlainTextOption => ({
  text: plain(text, LIMITS.optionText),
  value,
});

/**
 * An input block. Slack itself shows "(optional)" after the label of an optional input, so a label
 * must not say it again (the golden-message lint checks this).
 */
export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  opts: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: cut(blockId, LIMITS.blockId),
    label: plain(label, LIMITS.inputLabel),
    ...(opts.hint ? { hint: plain(opts.hint, LIMITS.inputHint) } : {}),
    ...(opts.optional ? { optional: true } : {}),
    element,
  };
}

export function modal(m: {
  callbackId: string;
  title: string;
  submit?: string;
  close?: string;
  privateMetadata?: string;
  blocks: KnownBlock[];
}): ModalView {
  if ((m.privateMetadata?.length ?? 0) > LIMITS.privateMetadata)
    throw new Error(`modal ${m.callbackId}: private_metadata over ${LIMITS.privateMetadata} characters`);
  return {
    type: 'modal',
    callback_id: m.callbackId,
    ...(m.privateMetadata !== undefined ? { private_metadata: m.privateMetadata } : {}),
    title: plain(m.title, LIMITS.modalTitle),
    ...(m.submit ? { submit: plain(m.submit, LIMITS.modalButton) } : {}),
    ...(m.close ? { close: plain(m.close, LIMITS.modalButton) } : {}),
    blocks: m.blocks.slice(0, LIMITS.blocks),
  };
}

/**
 * A Home tab view (views.publish): at most 100 blocks, the last one kept saying how many were cut.
 */
export function homeView(blocks: KnownBlock[], privateMetadata?: string): HomeView {
  if ((privateMetadata?.length ?? 0) > LIMITS.privateMetadata)
    throw new Error(`home view: private_metadata over ${LIMITS.privateMetadata} characters`);
  let shown = blocks;
  if (blocks.length > LIMITS.homeBlocks) {
    const dropped = blocks.length - (LIMITS.homeBlocks - 1);
    shown = [...blocks.slice(0, LIMITS.homeBlocks - 1), context(`…${dropped} more not shown.`)];
  }
  return {
    type: 'home',
    ...(privateMetadata !== undefined ? { private_metadata: privateMetadata } : {}),
    blocks: shown,
  };
}

/** Lines packed into as few sections as fit Slack's 3,000 characters per section. */
export function lineSections(lines: string[], packAt = PACK_AT): SectionBlock[] {
  const out: SectionBlock[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length > packAt && chunk.length) {
      out.push(section(chunk.join('\n')));
      chunk = [];
      size = 0;
    }
    chunk.push(l);
    size += l.length + 1;
  }
  if (chunk.length) out.push(section(chunk.join('\n')));
  return out;
}

/**
 * A message within Slack's limits: at most 50 blocks (the last one kept says how many were cut)
 * and a top-level text within its limit.
 */
export function message(text: string, blocks: KnownBlock[] = [], cutNote = 'more not shown'): Message {
  let shown = blocks;
  if (blocks.length > LIMITS.blocks) {
    const dropped = blocks.length - (LIMITS.blocks - 1);
    shown = [...blocks.slice(0, LIMITS.blocks - 1), context(`…${dropped} ${cutNote}.`)];
  }
  return { text: cutMrkdwn(text, LIMITS.messageText), blocks: shown };
}

/**
 * An instant as Slack's date token: each reader sees it in their own zone and locale
 * (https://docs.slack.dev/messaging/formatting-message-text#date-formatting). `format` uses Slack's
 * tokens (`{date_short_pretty}`, `{time}`, …); `fallback` is what clients that cannot render the
 * token show, and should name its zone.
 */
export function slackDate(instant: DateTime, format: string, fallback: string, linkUrl?: string): string {
  const epoch = Math.floor(instant.toSeconds());
  const safeFallback = fallback.replace(/[<>|]/g, '');
  return `<!date^${epoch}^${format}${linkUrl ? `^${linkUrl}` : ''}|${safeFallback}>`;
}

/** A channel as Slack shows it (`#name`), from its ID. */
export const channelRef = (channelId: string): string => `<#${channelId}>`;
/** A user group as Slack shows it (`@handle`), from its ID. */
export const groupRef = (groupId: string): string => `<!subteam^${groupId}>`;
