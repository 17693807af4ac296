import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
/**
 * tsx's own CLI runs the script in a grandchild process and relays signals to it, but SIGKILL
 * cannot be relayed: killing the CLI would leave relbot running. So node itself runs the entrypoint
 * with tsx as a loader, and signals reach relbot directly.
 */
const NODE_ARGS = ['--import', 'tsx', 'src/main.ts'];

export interface RelbotProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first JSON log line matching `pred`. */
  waitForLog(
    pred: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Runs `src/main.ts` (the real entrypoint) in a child process with exactly `env` (plus PATH/HOME). */
export function spawnRelbot(env: Record<string, string>): RelbotProcess {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{
    pred: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const line of d.toString().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        for (const w of [...waiters]) if (w.pred(parsed)) w.resolve(parsed);
      } catch {
        /* partial line */
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(pred, timeoutMs = 20000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`log line not seen in ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)),
          timeoutMs,
        );
        const w = {
          pred,
          resolve: (l: Record<string, unknown>) => {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(w), 1);
            resolvePromise(l);
          },
        };
        waiters.push(w);
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`relbot exited before the log line; stdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
  };
}
