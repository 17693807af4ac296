import { type Captured, lint, normalize, type Rule, renderText, shortDiff, visible } from '../helpers/golden';

/** The catalogue's text renderer and lint rules, on small hand-made messages. */

const msg = (payload: Record<string, unknown>): Captured => ({ via: 'chat.postMessage', payload });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const rules = (c: Captured): Rule[] => lint(c).map((f) => f.rule);

describe('renderText', () => {
  test('a message: header, section with fields and accessory, context, buttons with style and confirm', () => {
    const text = renderText(
      'demo.card',
      msg({
        channel: 'C0RELEASE',
        text: 'fallback\nsecond line',
        metadata: { event_type: 'relbot_post', event_payload: { key: 'k:1' } },
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Title' } },
          {
            ...section('*bold*\nline 2'),
            fields: [{ type: 'mrkdwn', text: 'f1' }],
            accessory: { type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go' },
          },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'a' },
              { type: 'plain_text', text: 'b' },
            ],
          },
          { type: 'divider' },
          {
            type: 'actions',
            block_id: 'acts',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Approve' },
                style: 'primary',
                action_id: 'ok',
                confirm: {
                  title: { type: 'plain_text', text: 'Sure?' },
                  text: { type: 'mrkdwn', text: 'It posts.' },
                  confirm: { type: 'plain_text', text: 'Yes' },
                  deny: { type: 'plain_text', text: 'No' },
                },
              },
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Reject…' },
                style: 'danger',
                action_id: 'no',
              },
            ],
          },
        ],
      }),
    );
    expect(text).toBe(
      [
        'kind: demo.card',
        'via: chat.postMessage  channel C0RELEASE',
        'metadata: relbot_post k:1',
        'text: fallback',
        '      second line',
        '--- blocks',
        '== Title ==',
        '| *bold*',
        '| line 2',
        '|  field: f1',
        '|  accessory: [Go]',
        '(context) a · b',
        '--------',
        '(actions) [Approve] (primary) {confirm "Sure?": It posts. [Yes]/[No]}  [Reject…] (danger)  #acts',
        '',
      ].join('\n'),
    );
  });

  test('a modal answer with field errors: inputs, optional marked, errors under their input', () => {
    const view = {
      type: 'modal',
      callback_id: 'apply',
      title: { type: 'plain_text', text: 'Apply' },
      submit: { type: 'plain_text', text: 'Send' },
      blocks: [
        {
          type: 'input',
          block_id: 'name',
          label: { type: 'plain_text', text: 'Name' },
          element: { type: 'plain_text_input', action_id: 'name' },
        },
        {
          type: 'input',
          block_id: 'role',
          optional: true,
          label: { type: 'plain_text', text: 'Role' },
          element: {
            type: 'static_select',
            action_id: 'role',
            options: [
              { text: { type: 'plain_text', text: 'Docs' }, value: 'Docs' },
              { text: { type: 'plain_text', text: 'Comms' }, value: 'Comms' },
            ],
          },
        },
      ],
    };
    const text = renderText('demo.modal-errors', {
      via: 'ack',
      payload: { response_action: 'errors', errors: { name: 'Say who you are.' } },
      view,
    });
    expect(text).toBe(
      [
        'kind: demo.modal-errors',
        'via: ack',
        'response_action: errors',
        'modal: "Apply"  submit [Send]  callback_id apply',
        '--- blocks',
        'Name: [______]  #name',
        '  ERROR: Say who you are.',
        'Role: [▾ choose] of Docs | Comms  (optional)  #role',
        '',
      ].join('\n'),
    );
  });
});

describe('normalize', () => {
  test('replaces ports, ts, trigger ids, response URLs and temp paths; keeps the rest', () => {
    expect(
      normalize({
        ts: '1782896400.000014',
        trigger_id: '1782896400.abc',
        token: 'xoxb-secret',
        text: 'see http://127.0.0.1:43121/response/0a1b2c3d4e5f6a7b in /tmp/relbot-test-Ab12/x.db',
        keep: 'C0RELEASE 1.37',
      }),
    ).toEqual({
      ts: '<ts>',
      trigger_id: '<trigger_id>',
      text: 'see http://127.0.0.1:<port>/response/<id> in <tmp>/x.db',
      keep: 'C0RELEASE 1.37',
    });
  });
});

describe('lint', () => {
  test('angle-token: a <placeholder> Slack would read as a link; real tokens pass', () => {
    expect(rules(msg({ text: 'Use `/shadow review <role>`' }))).toEqual(['angle-token']);
    const ok = msg({
      text: 'Hi <@U123ABC>, see <#C0RELEASE> and <!subteam^S0RELMGRS>, <https://k8s.io|the site>, <mailto:a@b.c>, <!date^1784808000^{date_short}|Thu>; `/x &lt;role&gt;`',
    });
    expect(rules(ok)).toEqual([]);
    // plain_text is shown as typed: no link there.
    expect(rules(msg({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'a <b>' } }] }))).toEqual(
      [],
    );
  });

  test('optional-label: "(optional)" in the label of an optional input (Slack adds its own)', () => {
    const input = (label: string, optional: boolean) => ({
      via: 'views.open' as const,
      payload: {
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Form' },
          blocks: [
            {
              type: 'input',
              block_id: 'x',
              optional,
              label: { type: 'plain_text', text: label },
              element: { type: 'plain_text_input', action_id: 'x' },
            },
          ],
        },
      },
    });
    expect(rules(input('Second choice (optional)', true))).toEqual(['optional-label']);
    expect(rules(input('Second choice', true))).toEqual([]);
  });

  test('iso-timestamp: a raw ISO instant in visible text; dates, link targets and metadata pass', () => {
    expect(rules(msg({ text: 'it ended 2026-11-02T12:00:00.000Z' }))).toEqual(['iso-timestamp']);
    expect(rules(msg({ text: 'at 2026-05-21T12:00Z' }))).toEqual(['iso-timestamp']);
    expect(
      rules(
        msg({
          text: 'closes 2026-12-10, <https://x.example/?since=2026-05-21T12:00:00Z|search>',
          metadata: { event_type: 'relbot_post', event_payload: { key: 'a:2026-05-21T12:00:00Z' } },
        }),
      ),
    ).toEqual([]);
  });

  test('raw-channel-id: a channel ID not wrapped as <#C…>', () => {
    expect(rules(msg({ text: 'The card is in CJH2GBF7Y.' }))).toEqual(['raw-channel-id']);
    expect(
      rules(msg({ text: 'The card is in <#CJH2GBF7Y>. CHANGELOG and CVE-2025-22872 are words.' })),
    ).toEqual([]);
  });

  test('limit: section text, header, button text, context elements, blocks, modal title', () => {
    expect(rules(msg({ blocks: [section('x'.repeat(3001))] }))).toEqual(['limit']);
    expect(rules(msg({ blocks: [section('x'.repeat(3000))] }))).toEqual([]);
    expect(
      rules(msg({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })),
    ).toEqual(['limit']);
    const button = (n: number) => ({
      type: 'actions',
      elements: [{ type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'b'.repeat(n) } }],
    });
    expect(rules(msg({ blocks: [button(76)] }))).toEqual(['limit']);
    expect(rules(msg({ blocks: [button(75)] }))).toEqual([]);
    const ctx = (n: number) => ({
      type: 'context',
      elements: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'c' })),
    });
    expect(rules(msg({ blocks: [ctx(11)] }))).toEqual(['limit']);
    expect(rules(msg({ blocks: [ctx(10)] }))).toEqual([]);
    expect(rules(msg({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }))).toEqual([
      'limit',
    ]);
    expect(rules(msg({ blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) }))).toEqual([]);
    const modal = (title: string) => ({
      via: 'views.open' as const,
      payload: { view: { type: 'modal', title: { type: 'plain_text', text: title }, blocks: [] } },
    });
    expect(rules(modal('t'.repeat(25)))).toEqual(['limit']);
    expect(rules(modal('t'.repeat(24)))).toEqual([]);
  });
});

describe('visible and shortDiff', () => {
  test('visible text shows link labels and drops control sequences', () => {
    expect(visible('<https://a.example|A> <@U1> <#C0RELEASE|rel> <x>')).toBe('A     <x>');
  });

  test('shortDiff shows the changed lines between the common head and tail', () => {
    expect(shortDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('@@ line 2 @@\n- b\n+ B');
  });
});
