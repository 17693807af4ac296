import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ConfigError, loadConfigFile, loadEnv, missingSlackCredentials, parseConfig } from '../../src/config';
import { JOB_DEFAULTS } from '../../src/jobs/config';
import { seedConfig } from '../../src/sandbox/seed';

const parse = (text: string) => parseConfig(text, 'test relbot.yaml');
const seedConfigForJobs = (): Record<string, unknown> => seedConfig();

describe('relbot.yaml', () => {
  it('parses relbot.example.yaml with the real Kubernetes values', () => {
    const config = loadConfigFile('relbot.example.yaml');
    expect(config.github.repos).toEqual(['kubernetes/kubernetes']);
    expect(config.cherrypicks.label).toBe('cherry-pick-approved');
    expect(config.shadows.roles.map((r) => r.name)).toEqual([
      'Release Team Lead',
      'Enhancements',
      'Communications',
      'Release Signal',
      'Docs',
      'Branch Manager',
    ]);
    expect(config.people['dipesh-rawat']).toBe('U02GLF28LNM');
  });

  it('fills defaults for optional blocks', () => {
    const config = parseConfig('channels: { default: CJH2GBF7Y }');
    expect(config.timezone).toBe('UTC');
    expect(config.cherrypicks.branchPattern).toBe('^release-\\d+\\.\\d+$');
    expect(config.shadows.roles).toHaveLength(6);
  });

  const broken: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'a bad channel ID',
      { channels: { default: '#release' } },
      /channels\.default: a Slack channel ID.*got "#release"/,
    ],
    [
      'an unknown time zone',
      { timezone: 'Mars/Olympus' },
      /timezone: an IANA time zone.*got "Mars\/Olympus"/,
    ],
    ['a misspelt key', { chanels: {} }, /chanels|Unrecognized key/],
    [
      'a bad approver ID',
      { cherrypicks: { approvers: { users: ['cpanato'] } } },
      /cherrypicks\.approvers\.users\.0: a Slack user ID/,
    ],
    [
      'a negative capacity',
      { shadows: { roles: [{ name: 'Docs', capacity: -1 }] } },
      /shadows\.roles\.0\.capacity/,
    ],
    ['a bad repo', { github: { repos: ['kubernetes'] } }, /github\.repos\.0: owner\/name/],
    [
      'a bad branch pattern',
      { cherrypicks: { branchPattern: '(' } },
      /cherrypicks\.branchPattern: a valid regular expression/,
    ],
  ];
  it.each(broken)('names the key for %s', (_what, patch, pattern) => {
    const raw = { ...seedConfig(), ...patch };
    expect(() => parseConfig(stringify(raw), 'relbot.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(stringify(raw), 'relbot.yaml')).toThrow(pattern);
  });

  it('reports a missing required key as missing', () => {
    expect(() => parseConfig('timezone: UTC')).toThrow(/channels: .*\(missing\)/);
  });

  it('reports YAML syntax errors', () => {
    expect(() => parseConfig('channels: [', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
  });

  it('merges a Tempelis users.yaml peopleFile under explicit people', () => {
    const config = parseConfig(
      stringify({
        channels: { default: 'CJH2GBF7Y' },
        peopleFile: 'fixtures/k8s/slack-config-users.yaml',
        people: { cpanato: 'U0OVERRIDE' },
      }),
      'relbot.yaml',
      '.',
    );
    expect(config.people.justaugustus).toBe('U0E0E78AK');
    expect(config.people.cpanato).toBe('U0OVERRIDE');
    const lines = readFileSync('fixtures/k8s/slack-config-users.yaml', 'utf8')
      .split('\n')
      .filter((l) => /^ {2}\S+: U/.test(l));
    expect(Object.keys(config.people).length).toBeGreaterThanOrEqual(lines.length);
  });
});

describe('environment', () => {
  it('names the missing Slack credentials', () => {
    expect(missingSlackCredentials(loadEnv({}))).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)',
    ]);
    expect(
      missingSlackCredentials(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })),
    ).toEqual([]);
  });

  it('defaults endpoints and paths', () => {
    const env = loadEnv({});
    expect(env.slackApiUrl).toBe('https://slack.com/api/');
    expect(env.githubApiUrl).toBe('https://api.github.com');
    expect(env.port).toBe(3000);
    expect(env.dbPath).toBe('./data/relbot.db');
  });

  it('needs all GitHub App variables together', () => {
    expect(() => loadEnv({ GITHUB_APP_ID: '1' })).toThrow(/GITHUB_APP_PRIVATE_KEY/);
    expect(
      loadEnv({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'a\\nb', GITHUB_APP_INSTALLATION_ID: '2' })
        .githubApp,
    ).toEqual({
      appId: '1',
      privateKey: 'a\nb',
      installationId: '2',
    });
  });

  it('rejects a bad PORT', () => {
    expect(() => loadEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});

describe('jobs: every scheduled job wakes from relbot.yaml', () => {
  const base = () => parse(stringify(seedConfigForJobs()));
  it('has a default cron for each job, and each job the features define reads it', () => {
    const config = base();
    expect(config.jobs).toEqual(JOB_DEFAULTS);
  });
  it('takes a cron per job and refuses a bad one, naming the key', () => {
    const raw = seedConfigForJobs();
    raw.jobs = { 'schedule-sync': '0 * * * *' };
    expect(parse(stringify(raw)).jobs['schedule-sync']).toBe('0 * * * *');
    raw.jobs = { 'schedule-sync': 'hourly' };
    expect(() => parse(stringify(raw))).toThrow(/jobs\.schedule-sync: a 5-field cron expression/);
    raw.jobs = { 'no-such-job': '0 * * * *' };
    expect(() => parse(stringify(raw))).toThrow(/jobs/);
  });
  it('names the new key when a moved one is used', () => {
    const raw = seedConfigForJobs();
    (raw.shadows as Record<string, unknown>) = { ...(raw.shadows as object), closeCheckCron: '*/5 * * * *' };
    expect(() => parse(stringify(raw))).toThrow(
      /shadows\.closeCheckCron: this key moved to `jobs\.shadows-close`/,
    );
  });
});
