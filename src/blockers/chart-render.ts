import { Worker } from 'node:worker_threads';

/**
 * Turns a chart option (chart.ts) into SVG, and PNG, off the event loop: each render runs in a
 * short-lived worker thread that loads echarts (SSR SVG renderer) and @resvg/resvg-js there, so the
 * main thread never imports either (cold start and RSS stay as they were, issue 15) and a render
 * (≈200 ms cold in the worker, 40–80 ms of CPU warm) never delays another person's ack. Renders run
 * one at a time; a few may wait, more are refused (ChartBusy). The PNG's text uses DejaVu Sans from
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
const echarts = require(workerData.echarts);
const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: workerData.width, height: workerData.height });
chart.setOption(workerData.option);
const svg = chart.renderToSVGString();
chart.dispose();
let png;
if (workerData.png) {
  const { Resvg } = require(workerData.resvg);
  png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: workerData.scale },
    background: '#ffffff',
    font: { fontFiles: workerData.fonts, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
  }).render().asPng();
}
parentPort.postMessage({ svg, png });
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

// One queue per process, on purpose: it bounds the CPU that charts take from everything else
// (the digest job, `/blockers chart` and the /release page all draw through it).
const MAX_WAITING = 4;
const TIMEOUT_MS = 30_000;
let chain: Promise<unknown> = Promise.resolve();
let waiting = 0;

function runWorker(data: Record<string, unknown>): Promise<{ svg: string; png?: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { ...data, ...modulePaths() } });
    let settled = false;
    const done = (err?: Error, out?: { svg: string; png?: Uint8Array }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (err) reject(err);
      else resolve(out!);
    };
    const timer = setTimeout(() => done(new ChartRenderError('chart render timed out')), TIMEOUT_MS);
    timer.unref();
    worker.once('message', (m: { svg: string; png?: Uint8Array }) => done(undefined, m));
    worker.once('error', (err) => done(new ChartRenderError(`chart render failed: ${err.message}`)));
    worker.once('exit', (code) => done(new ChartRenderError(`chart renderer exited with code ${code}`)));
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
