import { CHANNEL, seedSlack } from '../../src/sandbox/seed';
import { grantScope, revokeScope, sharedFiles, uploadedFiles } from '../../src/sandbox/slack/files';
import { SlackEmulator } from '../../src/sandbox/slack/server';

/** The emulated three-step upload checks what real Slack checks. */

describe('emulated Slack: files.getUploadURLExternal → upload_url → files.completeUploadExternal', () => {
  let slack: SlackEmulator;
  beforeAll(async () => {
    slack = new SlackEmulator();
    await slack.start();
    seedSlack(slack);
  });
  afterAll(() => slack.stop());

  const call = async (method: string, args: Record<string, string>) =>
    (await (
      await fetch(`${slack.apiUrl}${method}`, {
        method: 'POST',
        headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(args).toString(),
      })
    ).json()) as Record<string, unknown>;
  const upload = async (url: string, bytes: Buffer) =>
    (await fetch(url, { method: 'POST', body: new Uint8Array(bytes) })).status;
  const complete = (id: string, channel = CHANNEL) =>
    call('files.completeUploadExternal', {
      files: JSON.stringify([{ id, title: 't' }]),
      channel_id: channel,
    });

  it('checks the arguments, the length, single use, the file and the channel', async () => {
    expect(await call('files.getUploadURLExternal', { filename: '', length: '3' })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    expect((await call('files.getUploadURLExternal', { filename: 'a.png', length: '-1' })).error).toBe(
      'invalid_arguments',
    );
    const a = (await call('files.getUploadURLExternal', {
      filename: 'a.png',
      length: '4',
      alt_text: 'alt',
    })) as {
      upload_url: string;
      file_id: string;
    };
    expect((await complete(a.file_id)).error).toBe('file_upload_not_complete');
    expect(await upload(a.upload_url, Buffer.from('abc'))).toBe(400); // 3 bytes, not 4
    expect(await upload(a.upload_url, Buffer.from('abcd'))).toBe(404); // single use
    expect((await complete('F0NOSUCH')).error).toBe('file_not_found');

    const b = (await call('files.getUploadURLExternal', { filename: 'b.png', length: '4' })) as {
      upload_url: string;
      file_id: string;
    };
    expect(await upload(b.upload_url, Buffer.from('abcd'))).toBe(200);
    expect((await complete(b.file_id, 'C0NOSUCH')).error).toBe('channel_not_found');
    expect(sharedFiles(slack)).toHaveLength(0);
    expect(await complete(b.file_id)).toMatchObject({ ok: true });
    expect(sharedFiles(slack, CHANNEL).map((f) => f.id)).toEqual([b.file_id]);
    const history = (await call('conversations.history', { channel: CHANNEL })) as {
      messages: Array<{ files?: Array<{ id: string }> }>;
    };
    expect(history.messages[0]!.files![0]!.id).toBe(b.file_id);
    // Completing twice shares twice (so a client that does it is caught).
    await complete(b.file_id);
    expect(sharedFiles(slack, CHANNEL)).toHaveLength(2);
    expect(
      uploadedFiles(slack)
        .find((f) => f.id === b.file_id)!
        .bytes!.toString(),
    ).toBe('abcd');
    const served = await fetch(`${slack.url}/files/${b.file_id}`);
    expect(Buffer.from(await served.arrayBuffer()).toString()).toBe('abcd');
  });

  it('needs files:write, and can fail the byte upload on purpose', async () => {
    revokeScope(slack, 'files:write');
    expect(await call('files.getUploadURLExternal', { filename: 'c.png', length: '1' })).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'files:write',
    });
    grantScope(slack, 'files:write');
    const c = (await call('files.getUploadURLExternal', { filename: 'c.png', length: '1' })) as {
      upload_url: string;
    };
    slack.injectFault({ method: 'upload_url', status: 503 });
    expect(await upload(c.upload_url, Buffer.from('x'))).toBe(503);
    expect(await upload(c.upload_url, Buffer.from('x'))).toBe(200);
  });
});
