import type { App, RespondArguments, SlashCommand } from '@slack/bolt';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Logger } from '../log';
import { MAX_COMMAND_TEXT, tokenize } from './args';
import { context, type Message, section } from './blocks';
import { escapeEntities } from './escape';
import { nextTurn, WorkQueueBusy } from './work';

export { UserError };

/**
 * Slash commands are declared, not hand-wired: a command is a list of subcommands, each with its
 * usage line and handler side by side, so `help` is generated from the code that runs and cannot
 * drift. Help, usage and unknown-subcommand errors need no I/O and are answered in the ack itself.
 * So is an answer a subcommand already has at hand (`ready`: a cached view, src/slack/answers.ts).
 * Everything else is acked at once, empty, and the handler runs afterwards in the bounded work
 * queue (src/slack/work.ts); its answer arrives through response_url.
 */

export interface Reply extends Message {
  /** 'ephemeral' (default) or 'in_channel'. */
  response_type?: 'ephemeral' | 'in_channel';
  /**
   * Work to run right after the ack went out (e.g. views.open with the single-use trigger_id); a
   * Reply it returns is sent through response_url. A reply with empty text and no blocks acks silently.
   */
  afterAck?: () => Promise<Reply | undefined>;
}

export interface CommandContext {
  user: string;
  channel: string;
  /** The words after the subcommand. */
  args: string[];
  /** The raw text after the subcommand word. */
  rest: string;
  triggerId: string;
  command: SlashCommand;
  deps: Deps;
  /** The deps' logger with `feature` (the command's name) bound. */
  log: Logger;
}

export interface Subcommand {
  /** First word, e.g. 'sync'. '' is the default when the text is empty (besides help). */
  name: string;
  /** Usage after the command, e.g. 'sync' or '<PR URL | owner/repo#N>'. */
  usage: string;
  summary: string;
  /** Matches a first word that is not a fixed name, e.g. a version like 1.37 or a PR URL. */
  matches?: (word: string) => boolean;
  run(ctx: CommandContext): Promise<Reply | undefined>;
  /**
   * The answer if it is already at hand: from memory (src/slack/answers.ts), with no network call
   * and nothing slower than an indexed SQLite read. Given, it goes out in the ack itself;
   * `undefined` (or a throw) means "not at hand", and `run` works after the ack as usual.
   */
  ready?(ctx: CommandContext): Reply | undefined;
}

export interface CommandSpec {
  command: string;
  summary: string;
  subcommands: Subcommand[];
}

export function usageText(spec: CommandSpec): string {
  // Usage lines hold `<PR URL>`-style placeholders: entities, or Slack would read them as links.
  const lines = spec.subcommands.map(
    (s) =>
      `• \`${escapeEntities(`${spec.command}${s.usage ? ` ${s.usage}` : ''}`)}\` — ${escapeEntities(s.summary)}`,
  );
  return `*${spec.command}* — ${spec.summary}\n${lines.join('\n')}\n• \`${spec.command} help\` — this help`;
}

export function usageReply(spec: CommandSpec): Reply {
  const text = usageText(spec);
  return { response_type: 'ephemeral', text, blocks: [section(text)] };
}

export function errorReply(message: string, spec?: CommandSpec, hint?: string): Reply {
  const text = `:warning: ${message}${hint ? `\n${hint}` : ''}`;
  const blocks: Reply['blocks'] = [section(text)];
  if (spec) blocks.push(context(usageText(spec)));
  return { response_type: 'ephemeral', text, blocks };
}

export function findSubcommand(
  spec: CommandSpec,
  text: string,
): { sub?: Subcommand; word: string; rest: string } {
  const trimmed = text.trim();
  const word = trimmed.split(/\s+/, 1)[0] ?? '';
  const rest = trimmed.slice(word.length).trim();
  const lower = word.toLowerCase();
  const sub =
    spec.subcommands.find((s) => s.name !== '' && s.name === lower) ??
    spec.subcommands.find((s) => s.matches?.(word)) ??
    (word === '' ? spec.subcommands.find((s) => s.name === '') : undefined);
  return { sub, word, rest };
}

export function registerCommand(app: App, deps: Deps, spec: CommandSpec): void {
  app.command(spec.command, async ({ command, ack, respond }) => {
    const started = process.hrtime.bigint();
    const timer = () =>
      deps.metrics.commandSeconds.observe(
        { command: spec.command },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    const count = (outcome: string) => deps.metrics.commands.inc({ command: spec.command, outcome });
    const text = command.text ?? '';
    if (text.length > MAX_COMMAND_TEXT) {
      count('bad_input');
      await ack(
        errorReply(
          `That text is too long (${text.length} characters; relbot reads at most ${MAX_COMMAND_TEXT}).`,
          spec,
        ) as RespondArguments,
      );
      return timer();
    }
    const { sub, word, rest } = findSubcommand(spec, text);
    if (word.toLowerCase() === 'help' || (!sub && word === '')) {
      count('help');
      await ack(usageReply(spec) as RespondArguments);
      return timer();
    }
    if (!sub) {
      count('unknown');
      const shown = escapeEntities([...word].slice(0, 40).join(''));
      await ack(errorReply(`\`${shown}\` is not a ${spec.command} subcommand.`, spec) as RespondArguments);
      return timer();
    }
    const ctx: CommandContext = {
      user: command.user_id,
      channel: command.channel_id,
      args: tokenize(sub.name === '' || (sub.matches && sub.name !== word.toLowerCase()) ? text : rest),
      rest: sub.name === '' || (sub.matches && sub.name !== word.toLowerCase()) ? text.trim() : rest,
      triggerId: command.trigger_id,
      command,
      deps,
      log: deps.log.child({ feature: spec.command.slice(1) }),
    };
    // An answer already at hand goes out in the ack itself, like help does.
    const ready = readyReply(sub, ctx, deps, spec);
    if (ready) {
      count('cached');
      await ack(wire(ready) as RespondArguments);
      return timer();
    }
    // Ack first, work after: the answer arrives through response_url.
    await ack();
    timer();
    try {
      await deps.work.run(async () => {
        const reply = await runHandler(sub, ctx, spec, deps);
        count(reply?.isError ? 'error' : 'ok');
        if (reply && (reply.text || reply.blocks)) {
          // rendering and sending (serialising a 10 kB answer) in two turns of the loop, not one
          await nextTurn();
          await respond({ ...(wire(reply) as RespondArguments), replace_original: false }).catch((err) =>
            deps.log.error({ err, command: spec.command }, 'could not deliver a command answer'),
          );
        }
        await runAfterAck(reply, respond, deps, spec);
      });
    } catch (err) {
      if (!(err instanceof WorkQueueBusy)) throw err;
      count('busy');
      deps.log.warn({ command: spec.command, waiting: err.limit }, 'command refused: work queue full');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `:hourglass_flowing_sand: relbot is busy right now; nothing was done. Try \`${spec.command}\` again in a minute.`,
      }).catch(() => {});
    }
  });
}

async function runAfterAck(
  reply: Reply | undefined,
  respond: (r: RespondArguments) => Promise<unknown>,
  deps: Deps,
  spec: CommandSpec,
): Promise<void> {
  if (!reply?.afterAck) return;
  try {
    const next = await reply.afterAck();
    if (next) await respond({ ...(wire(next) as RespondArguments), replace_original: false });
  } catch (err) {
    deps.log.error({ err, command: spec.command }, 'work after the ack failed');
  }
}

function readyReply(sub: Subcommand, ctx: CommandContext, deps: Deps, spec: CommandSpec): Reply | undefined {
  if (!sub.ready) return undefined;
  try {
    const reply = sub.ready(ctx);
    return reply && !reply.afterAck ? reply : undefined;
  } catch (err) {
    deps.log.warn(
      { err, command: spec.command, sub: sub.name },
      'a ready answer failed; working after the ack',
    );
    return undefined;
  }
}

/** The reply as Slack receives it (internal flags removed). */
function wire(reply: Reply & { isError?: boolean }): Reply {
  const { isError: _e, afterAck: _a, ...rest } = reply;
  return rest;
}

async function runHandler(
  sub: Subcommand,
  ctx: CommandContext,
  spec: CommandSpec,
  deps: Deps,
): Promise<(Reply & { isError?: boolean }) | undefined> {
  try {
    return await sub.run(ctx);
  } catch (err) {
    if (err instanceof UserError)
      return {
        ...errorReply(err.message, undefined, err.hint ?? `See \`${spec.command} help\`.`),
        isError: true,
      };
    deps.log.error({ err, command: spec.command, sub: sub.name }, 'command failed');
    return {
      ...errorReply(
        `Sorry, \`${spec.command} ${sub.name}\` failed: ${escapeEntities(String((err as Error).message ?? err)).slice(0, 300)}. The error is logged; try again in a minute.`,
      ),
      isError: true,
    };
  }
}
