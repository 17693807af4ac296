import { Worker } from 'node:worker_threads';

/**
 * Turns a chart option (chart.ts) into SVG, and PNG, off the event loop: renders run in a worker
 * thread that loads echarts (SSR SVG renderer) and @resvg/resvg-js there, so the main thread never
 * imports either (cold start and idle RSS stay as they were, issue 15) and a render (≈200 ms cold
 * with the worker's start, 40–80 ms warm) never delays another person's ack. Renders run one at a
 * time; a few may wait, more are refused (ChartBusy). The PNG's text uses DejaVu Sans from
 * the npm package dejavu-fonts-ttf, with system fonts off, so it looks the same on any machine.
 */

export class ChartBusy extends Error {
  constructor() {
    super('the chart renderer is busy; try again in a minute');
  }
}

export class ChartRenderError extends Error {}

export interface RenderedChart {
  svg: string;
  png?: Buffer;
  /** Wall time of the render in the worker, spawn included (ms). */
  ms: number;
}

/** The worker's code (plain CommonJS: it runs without the TypeScript loader, in tests too). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let echarts, Resvg;
parentPort.on('message', (job) => {
  try {
    echarts = echarts || require(workerData.echarts);
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: job.width, height: job.height });
    chart.setOption(job.option);
    const svg = chart.renderToSVGString();
    chart.dispose();
    let png;
    if (job.png) {
      Resvg = Resvg || require(workerData.resvg).Resvg;
      png = new Resvg(svg, {
        fitTo: { mode: 'zoom', value: job.scale },
        background: '#ffffff',
        font: { fontFiles: workerData.fonts, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
      }).render().asPng();
    }
    parentPort.postMessage({ ok: true, svg, png });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

let paths: { echarts: string; resvg: string; fonts: string[] } | undefined;
const modulePaths = () => {
  paths ??= {
    echarts: require.resolve('echarts'),
    resvg: require.resolve('@resvg/resvg-js'),
    fonts: [
      require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
    ],
  };
  return paths;
};

// One queue and one worker per process, on purpose: it bounds the CPU that charts take from
// everything else (the digest job, `/blockers chart` and the /release page all draw through it).
// The worker stays warm for IDLE_MS after a render (a burst of charts loads echarts once), then
// exits, so an idle relbot holds none of it.
const MAX_WAITING = 4;
const TIMEOUT_MS = 30_000;
const IDLE_MS = 10_000;
let chain: Promise<unknown> = Promise.resolve();
let waiting = 0;
let warm: { worker: Worker; idle?: NodeJS.Timeout } | undefined;

function workerNow(): Worker {
  if (warm) {
    clearTimeout(warm.idle);
    return warm.worker;
  }
  const worker = new Worker(WORKER, { eval: true, workerData: modulePaths() });
  worker.unref(); // never what keeps the process alive
  const entry = { worker };
  warm = entry;
  const forget = () => {
    if (warm === entry) warm = undefined;
  };
  worker.once('exit', forget);
  worker.once('error', forget);
  return worker;
}

function retire(worker: Worker, now = false): void {
  if (!warm || warm.worker !== worker) {
    void worker.terminate();
    return;
  }
  clearTimeout(warm.idle);
  if (now) {
    warm = undefined;
    void worker.terminate();
    return;
  }
  warm.idle = setTimeout(() => retire(worker, true), IDLE_MS);
  warm.idle.unref();
}

function runWorker(job: Record<string, unknown>): Promise<{ svg: string; png?: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const worker = workerNow();
    let settled = false;
    const done = (err?: Error, out?: { svg: string; png?: Uint8Array }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      retire(worker, Boolean(err));
      if (err) reject(err);
      else resolve(out!);
    };
    const onMessage = (m: { ok: boolean; svg?: string; png?: Uint8Array; error?: string }) =>
      m.ok
        ? done(undefined, { svg: m.svg!, ...(m.png ? { png: m.png } : {}) })
        : done(new ChartRenderError(`chart render failed: ${m.error}`));
    const onError = (err: Error) => done(new ChartRenderError(`chart render failed: ${err.message}`));
    const onExit = (code: number) => done(new ChartRenderError(`chart renderer exited with code ${code}`));
    const timer = setTimeout(() => done(new ChartRenderError('chart render timed out')), TIMEOUT_MS);
    timer.unref();
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}

/** Renders `option` at width × height (SVG; PNG too when `png`, at `scale`× for sharp text). */
export function renderChart(
  option: Record<string, unknown>,
  opts: { width: number; height: number; png?: boolean; scale?: number },
): Promise<RenderedChart> {
  if (waiting >= MAX_WAITING) return Promise.reject(new ChartBusy());
  waiting++;
  const run = async (): Promise<RenderedChart> => {
    const started = performance.now();
    try {
      const out = await runWorker({
        option,
        width: opts.width,
        height: opts.height,
        png: opts.png ?? false,
        scale: opts.scale ?? 1.5,
      });
      return {
        svg: out.svg,
        ...(out.png ? { png: Buffer.from(out.png.buffer, out.png.byteOffset, out.png.byteLength) } : {}),
        ms: performance.now() - started,
      };
    } finally {
      waiting--;
    }
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}
