import type { Feature } from '../src/feature';
import { type CommandSpec, registerCommand } from '../src/slack/command';

export const spec: CommandSpec = {
  command: '/shadow',
  summary: 'Release Team shadow applications and selection',
  subcommands: [],
};

export const feature: Feature = {
  name: 'shadow',
  register(app, deps) {
    registerCommand(app, deps, spec);
  },
};
