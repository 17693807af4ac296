import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../clock';
import { ConfigError, loadConfigFile, loadEnv } from '../config';
import { backupDir, backupFileName, writeBackup } from './backup';

/**
 * On-demand backup: `npm run backup -- [--out FILE] [--dir DIR] [--db FILE]`
 * (in the container: `node dist/src/backup/cli.js`). Works while relbot runs.
 *
 * Reads RELBOT_DB (or --db) through its own read-only connection (no migrations, never creates a
 * database), and writes a verified backup to FILE, or to DIR / relbot.yaml's `backup.dir` /
 * `<dbdir>/backups` as relbot-YYYYMMDDTHHMMSSZ.db. Prints the path written; exits 1 with a
 * message on any failure.
 */

const USAGE = 'usage: npm run backup -- [--out FILE] [--dir DIR] [--db FILE]';

export interface CliArgs {
  out?: string;
  dir?: string;
  db?: string;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') throw new CliUsage(USAGE);
    const key = { '--out': 'out', '--dir': 'dir', '--db': 'db' }[flag] as keyof CliArgs | undefined;
    const value = argv[i + 1];
    if (!key) throw new ConfigError(`unknown argument ${JSON.stringify(flag)}\n${USAGE}`);
    if (value === undefined || value.startsWith('--'))
      throw new ConfigError(`${flag} needs a value\n${USAGE}`);
    if (args[key] !== undefined) throw new ConfigError(`${flag} given twice\n${USAGE}`);
    args[key] = value;
    i++;
  }
  if (args.out && args.dir) throw new ConfigError(`give --out or --dir, not both\n${USAGE}`);
  return args;
}

class CliUsage extends Error {}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const args = parseArgs(argv);
  const relbotEnv = loadEnv(env);
  const dbPath = resolve(args.db ?? relbotEnv.dbPath);
  if (!existsSync(dbPath)) throw new ConfigError(`no database at ${dbPath} (set RELBOT_DB or pass --db)`);
  let target: string;
  if (args.out) {
    target = resolve(args.out);
  } else {
    let dir: string;
    if (args.dir) dir = resolve(args.dir);
    else {
      // relbot.yaml's backup.dir when the file is there (a broken file is an error, not a fallback).
      const configPath = resolve(relbotEnv.configPath);
      const config = existsSync(configPath) ? loadConfigFile(configPath).backup : {};
      dir = backupDir(config, dbPath);
    }
    mkdirSync(dir, { recursive: true });
    target = join(dir, backupFileName(systemClock.now()));
  }
  if (!existsSync(dirname(target))) throw new ConfigError(`directory ${dirname(target)} does not exist`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One step: relbot writes through another connection, and each such write restarts a backup
    // that is still in progress; a single step holds a read snapshot just for the copy.
    const result = await writeBackup(db, target, { pagesPerStep: 0x7fffffff });
    return `${result.path}\n`;
  } finally {
    db.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (out) => {
      process.stdout.write(out);
    },
    (err: unknown) => {
      if (err instanceof CliUsage) {
        process.stdout.write(`${err.message}\n`);
        return;
      }
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`relbot backup: ${msg}\n`);
      process.exitCode = 1;
    },
  );
}
