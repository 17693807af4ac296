import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log';
import { type Sandbox, startSandbox } from '../../src/sandbox/run';

/**
 * The local sandbox as `npm start` runs it (src/sandbox/run.ts), on a free port with a silent log and
 * its SQLite file in a temp folder; `stop()` stops it and removes the folder.
 */
export async function startTempSandbox(prefix: string): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const sandbox = await startSandbox({
      port: 0,
      dbPath: join(dir, 'sandbox.db'),
      log: createLogger({ level: 'silent' }),
    });
    return {
      ...sandbox,
      stop: async () => {
        try {
          await sandbox.stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
