import chromiumBinary from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/**
 * A headless Chromium for the browser tests with nothing installed by hand: the binary ships inside
 * the `@sparticuz/chromium` npm tarball (unpacked to the temp dir on first use; it needs only libc),
 * driven by playwright-core. `CHROMIUM_PATH` points at another Chromium instead (e.g. Debian's
 * /usr/bin/chromium) when one is wanted.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || (await chromiumBinary.executablePath());
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-gl=swiftshader',
      '--font-render-hinting=none',
    ],
  });
}
