import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { features } from '../../src/features';
import { createLogger } from '../../src/log';

/** Offline checks of manifest.yml against Slack's manifest limits (docs/slack-platform.md §1.2). */
describe('manifest.yml', () => {
  const manifest = parse(readFileSync('manifest.yml', 'utf8')) as {
    display_information: { name: string; description: string; long_description: string };
    features: {
      bot_user: { display_name: string };
      slash_commands: Array<{ command: string; description: string; usage_hint: string }>;
    };
    oauth_config: { scopes: { bot: string[] } };
    settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
  };

  it('fits the documented limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    for (const c of manifest.features.slash_commands) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });

  it('declares exactly the slash commands relbot registers', () => {
    const registered: string[] = [];
    const fakeApp = {
      command: (name: string) => registered.push(name),
      action: () => {},
      view: () => {},
      options: () => {},
      shortcut: () => {},
      event: () => {},
    };
    for (const f of features)
      f.register(fakeApp as never, { log: createLogger({ level: 'silent' }) } as never);
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(registered.sort());
  });

  it('has the scopes the features call, interactivity on, Socket Mode on by default', () => {
    for (const s of [
      'commands',
      'chat:write',
      'chat:write.public',
      'users:read',
      'usergroups:read',
      'im:write',
    ]) {
      expect(manifest.oauth_config.scopes.bot).toContain(s);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
