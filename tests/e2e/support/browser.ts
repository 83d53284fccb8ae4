import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser; SwiftShader gives WebGL2 without a GPU. */
export const CHROMIUM_PATH = process.env.SCANLABEL_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
