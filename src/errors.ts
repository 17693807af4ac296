/**
 * A request relbot refuses for a reason the person can fix: an unknown version, a missing right,
 * a malformed date. Features throw it (or return it in a result); `commands/` and the Slack layer
 * turn it into an ephemeral answer with the hint. It carries words, not Slack wire shapes, so
 * features stay free of the Slack command layer.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
