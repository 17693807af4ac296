import fc from 'fast-check';
import { people } from '../../src/sandbox/seed';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Property-based abuse: random text for every slash command and random JSON shapes for
 * interaction payloads, signed correctly, from a user with no special rights. relbot must answer
 * every one without a 5xx or a crash, and must not write anything.
 */
describe('fuzzing commands and interaction payloads', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const writes = () => ({
    github: h.github.calls.filter((c) => c.method !== 'GET').length,
    posts: h.slack.calls.filter((c) =>
      ['chat.postMessage', 'chat.update', 'usergroups.users.update'].includes(c.method),
    ).length,
    outbox: (h.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n,
  });

  const text = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 4000 }),
    fc.constantFrom(
      '<!channel>',
      '<@U0E0E78AK> approve',
      '&amp; *bold* `x`',
      'approve all',
      '1.99',
      'v1.3.7',
      'kubernetes/kubernetes#',
      'open 1.38 closes 2026-02-30',
      'sig',
      'review',
      'accept',
    ),
  );

  for (const cmd of ['/schedule', '/cherrypick', '/blockers', '/shadow']) {
    it(`${cmd}: random text never crashes, never 5xx, never writes`, async () => {
      const before = writes();
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          const res = await h.driver.command(people.member.id, cmd, t);
          expect(res.status).toBe(200);
          const body = res.body as { text?: string; response_type?: string };
          expect(typeof body.text).toBe('string');
          expect(body.response_type).toBe('ephemeral');
        }),
        { numRuns: 40 },
      );
      expect(writes()).toEqual(before);
      const health = await fetch(`${h.url}/healthz`);
      expect(health.status).toBe(200);
    });
  }

  it('random JSON interaction payloads never crash, never 5xx, never write', async () => {
    const before = writes();
    const shaped = fc.record({
      type: fc.constantFrom(
        'block_actions',
        'view_submission',
        'view_closed',
        'shortcut',
        'message_action',
        'block_suggestion',
        'nonsense',
      ),
      user: fc.oneof(fc.record({ id: fc.constantFrom(people.member.id, 'UNOBODY', '') }), fc.constant(null)),
      actions: fc.array(
        fc.record({
          action_id: fc.string({ maxLength: 30 }),
          value: fc.string({ maxLength: 100 }),
          block_id: fc.string({ maxLength: 10 }),
        }),
        { maxLength: 2 },
      ),
      view: fc.option(
        fc.record({
          callback_id: fc.string({ maxLength: 20 }),
          private_metadata: fc.string({ maxLength: 50 }),
          state: fc.record({ values: fc.object() }),
        }),
      ),
      channel: fc.option(fc.record({ id: fc.constantFrom('CJH2GBF7Y', 'C0NOPE') })),
      trigger_id: fc.string({ maxLength: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(shaped, fc.jsonValue({ maxDepth: 3 })), async (payload) => {
        const res = await h.driver.sendInteraction(payload);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect(writes()).toEqual(before);
  });

  it('a payload that is not JSON at all is answered 4xx, not 5xx', async () => {
    const res = await h.driver.sendSigned('payload=%7Bnot-json');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('malformed bodies', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('a signed JSON null or non-object payload gets 400; the same unsigned gets 401', async () => {
    for (const body of ['payload=null', 'payload=%5B1%2C2%5D', 'payload=42']) {
      expect((await h.driver.sendSigned(body)).status).toBe(400);
      expect((await h.driver.post(body, {})).status).toBe(401);
    }
    const json = await h.driver.post('null', { 'content-type': 'application/json' });
    expect(json.status).toBe(401);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
