/** Replaced at build time by esbuild's `define`; the fallback serves tests that run sources directly. */
declare const __SCANLABEL_VERSION__: string | undefined;
export const APP_VERSION: string = typeof __SCANLABEL_VERSION__ === 'string' ? __SCANLABEL_VERSION__ : '0.1.0-dev';
