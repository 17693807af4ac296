import type { Sandbox } from '../../src/sandbox/run';
import { people } from '../../src/sandbox/seed';
import { sharedFiles } from '../../src/sandbox/slack/files';
import { startTempSandbox } from '../helpers/sandbox';

/** The local sandbox shows the charts relbot shares: in the feed's state, as bytes, and links the release page. */

describe('the sandbox and the burndown chart', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTempSandbox('relbot-sandbox-charts-');
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('a day of sandbox time brings a digest with its chart, which the page can show', async () => {
    await sandbox.ctx.passTime(sandbox.ctx.clock.now().plus({ days: 1 }));
    const shared = sharedFiles(sandbox.ctx.slack, sandbox.ctx.channel);
    expect(shared.length).toBeGreaterThanOrEqual(1);
    const state = (await (
      await fetch(`${sandbox.url}/sandbox/api/state?user=${people.member.id}`)
    ).json()) as {
      messages: Array<{ files?: Array<{ id: string; mimetype: string; alt_txt?: string }> }>;
    };
    const withFile = state.messages.filter((m) => m.files?.length);
    expect(withFile.length).toBe(shared.length);
    const file = withFile[0]!.files![0]!;
    expect(file.mimetype).toBe('image/png');
    expect(file.alt_txt).toContain('Open blockers in v1.37');
    const png = await fetch(`${sandbox.url}/sandbox/file?id=${encodeURIComponent(file.id)}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString('ascii'),
    ).toBe('PNG');
    expect((await fetch(`${sandbox.url}/sandbox/file?id=F0NOSUCH`)).status).toBe(404);
    const page = await (await fetch(`${sandbox.url}/`)).text();
    expect(page).toContain('<a class="page" href="/release"');
    expect(page).toContain("'/sandbox/file?id='");
    const release = await fetch(`${sandbox.url}/release`);
    expect(release.status).toBe(200);
    expect(await release.text()).toContain('<svg');
  });
});
