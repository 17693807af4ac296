import type { Feature } from '../src/feature';
import { type CommandSpec, registerCommand } from '../src/slack/command';

export const spec: CommandSpec = {
  command: '/blockers',
  summary: 'Open release-blocking issues and PRs of a milestone',
  subcommands: [],
};

export const feature: Feature = {
  name: 'blockers',
  register(app, deps) {
    registerCommand(app, deps, spec);
  },
};
