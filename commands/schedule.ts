import type { Feature } from '../src/feature';
import { type CommandSpec, registerCommand } from '../src/slack/command';

export const spec: CommandSpec = {
  command: '/schedule',
  summary: 'Release cycle milestones and patch-release cherry-pick deadlines',
  subcommands: [],
};

export const feature: Feature = {
  name: 'schedule',
  register(app, deps) {
    registerCommand(app, deps, spec);
  },
};
