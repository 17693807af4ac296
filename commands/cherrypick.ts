import type { Feature } from '../src/feature';
import { type CommandSpec, registerCommand } from '../src/slack/command';

export const spec: CommandSpec = {
  command: '/cherrypick',
  summary: 'Cherry-pick approvals for release branches',
  subcommands: [],
};

export const feature: Feature = {
  name: 'cherrypick',
  register(app, deps) {
    registerCommand(app, deps, spec);
  },
};
