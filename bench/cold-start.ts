import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Cold start: spawn a compiled server (`node <file>.js`) and poll GET /healthz every 2 ms until it
 * answers 200; the time from spawn to that answer. relbot is its production entrypoint
 * (src/main.js: env, relbot.yaml, SQLite with its migrations checked, every feature, cron on);
 * the baseline is the bare Bolt app (bench/servers/bare.js). Each is killed right after.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** Milliseconds from spawn to the first /healthz 200. */
export async function coldStart(script: string, env: Record<string, string>, cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${script} exited with ${proc.exitCode}: ${stderr}`);
      if (await healthy(port)) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error(`${script}: no /healthz 200 within 60 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    proc.kill('SIGKILL');
    await new Promise((r) =>
      proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once('exit', r),
    );
  }
}
