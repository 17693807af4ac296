import type { Feature } from '../feature';
import { backupJob } from './job';

/** The scheduled database backup: no command, one job (`db-backup`). */
export const feature: Feature = {
  name: 'backup',
  register: () => {},
  jobs: (deps) => (deps.config.backup.enabled ? [backupJob(deps)] : []),
};
