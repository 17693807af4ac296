import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { CustomRoute } from '@slack/bolt';
import type { MemoryReport } from '../common';

/**
 * Bench-only instrumentation, identical in both measured servers: RSS sampled every 250 ms inside
 * the process (the max since the last reset), and GET /bench/memory[?gc=1][&reset=1] to read it
 * (gc=1 runs a full collection first when the process was started with --expose-gc).
 */
export function memoryRoutes(): CustomRoute[] {
  let maxRss = process.memoryUsage.rss();
  let samples = 0;
  let series: number[] = [];
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    samples++;
    if (series.length < 4 * 600) series.push(rss);
    if (rss > maxRss) maxRss = rss;
  }, 250).unref();
  const gc = (globalThis as { gc?: () => void }).gc;
  return [
    {
      path: '/bench/memory',
      method: ['GET'],
      handler: (req: IncomingMessage, res: ServerResponse) => {
        const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
        if (q.get('gc') === '1' && gc) {
          gc();
          gc();
        }
        // BENCH_HEAP_DIR=<dir> (parent env): a heap snapshot of the idle server for inspection.
        if (q.get('snapshot') === '1' && process.env.BENCH_HEAP_DIR)
          writeHeapSnapshot(join(process.env.BENCH_HEAP_DIR, `${process.pid}.heapsnapshot`));
        const mem = process.memoryUsage();
        const report: MemoryReport = {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          maxRss: Math.max(maxRss, mem.rss),
          samples,
          series,
          gc: !!gc,
          cpuMicros: (({ user, system }) => user + system)(process.cpuUsage()),
        };
        if (q.get('reset') === '1') {
          maxRss = mem.rss;
          samples = 0;
          series = [];
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      },
    },
  ];
}

/** Prints the ready line; later stdout output is drained by the parent. */
export function announce(port: number): void {
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);
}
