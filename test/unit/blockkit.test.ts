import { validateMessage, validateView } from '../../src/sandbox/slack/blockkit';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Block Kit limits in the emulated Slack', () => {
  it('accepts a well-formed message', () => {
    const ok = validateMessage({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Cherry-pick' } },
        section('*hello*'),
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: 'a' },
            { type: 'mrkdwn', text: 'b' },
          ],
        },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'a',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
              value: '1',
            },
            { type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'Reject' }, style: 'danger' },
          ],
        },
      ],
    });
    expect(ok).toEqual([]);
  });

  it.each([
    ['51 blocks', { blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, /51 blocks; max 50/],
    ['a 3001-character section', { blocks: [section('x'.repeat(3001))] }, /3001 characters; max 3000/],
    [
      'a 151-character header',
      { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      /max 150/,
    ],
    [
      'an mrkdwn header',
      { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] },
      /must be plain_text/,
    ],
    [
      '11 fields',
      {
        blocks: [
          { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        ],
      },
      /11 fields; max 10/,
    ],
    [
      'too much block text',
      { blocks: Array.from({ length: 5 }, () => section('y'.repeat(2900))) },
      /keep under 12000/,
    ],
    ['an unknown block type', { blocks: [{ type: 'carousel' }] }, /unknown block type/],
    [
      'an input block in a message',
      {
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'x' },
            element: { type: 'plain_text_input', action_id: 'x' },
          },
        ],
      },
      /input blocks belong in modals/,
    ],
    [
      'duplicate action ids',
      {
        blocks: [
          {
            type: 'actions',
            elements: [1, 2].map(() => ({
              type: 'button',
              action_id: 'same',
              text: { type: 'plain_text', text: 'B' },
            })),
          },
        ],
      },
      /unique/,
    ],
    [
      'a long button label',
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } },
            ],
          },
        ],
      },
      /max 75/,
    ],
    ['no text and no blocks', {}, /needs text or blocks/],
  ])('rejects %s', (_what, msg, pattern) => {
    const errors = validateMessage(msg as never);
    expect(errors.join('\n')).toMatch(pattern);
  });

  it('checks modals: title length, submit with inputs, block count', () => {
    expect(
      validateView({
        type: 'modal',
        title: { type: 'plain_text', text: 'Apply for a shadow role' },
        submit: { type: 'plain_text', text: 'Apply' },
        blocks: [
          {
            type: 'input',
            block_id: 'why',
            label: { type: 'plain_text', text: 'Why?' },
            element: { type: 'plain_text_input', action_id: 'v', multiline: true },
          },
        ],
      }),
    ).toEqual([]);
    const bad = validateView({
      type: 'modal',
      title: { type: 'plain_text', text: 'A title that is far too long for Slack' },
      blocks: [
        {
          type: 'input',
          label: { type: 'plain_text', text: 'x' },
          element: { type: 'plain_text_input', action_id: 'v' },
        },
      ],
    }).join('\n');
    expect(bad).toMatch(/view.title.*max 24/);
    expect(bad).toMatch(/view.submit: is required/);
  });
});
