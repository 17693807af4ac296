import { generateKeyPairSync } from 'node:crypto';
import { createGitHub } from '../../src/github';
import { createLogger } from '../../src/log';
import { GitHubEmulator } from '../../src/sandbox/github/server';

/** GitHub App credentials (loaded lazily) against the emulated GitHub: JWT -> installation token -> API call. */
describe('GitHub App authentication', () => {
  let gh: GitHubEmulator;
  beforeAll(async () => {
    gh = new GitHubEmulator();
    await gh.start();
    gh.addPull({ owner: 'kubernetes', repo: 'kubernetes', number: 1, title: 'x' });
  });
  afterAll(() => gh.stop());

  it('exchanges a signed JWT for an installation token and uses it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const octokit = createGitHub({
      baseUrl: gh.url,
      app: {
        appId: '12345',
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        installationId: '678',
      },
      log: createLogger({ level: 'silent' }),
      retries: 0,
    });
    const pr = await octokit.rest.pulls.get({ owner: 'kubernetes', repo: 'kubernetes', pull_number: 1 });
    expect(pr.data.number).toBe(1);
    const tokenCall = gh.callsTo('POST', '/app/installations/678/access_tokens');
    expect(tokenCall).toHaveLength(1);
    expect(String(tokenCall[0]!.headers.authorization)).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    const prCall = gh.callsTo('GET', /\/pulls\/1$/).at(-1)!;
    expect(String(prCall.headers.authorization)).toBe('token ghs_installation_678');
  });
});
