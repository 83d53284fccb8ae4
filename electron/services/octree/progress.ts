export type ProgressCallback = (fraction: number, message: string) => void;

/**
 * Maps phase-local fractions onto the job's 0..1 and never lets the reported value go backwards
 * (a phase restarting after a recount must not make a progress bar jump back).
 */
export class PhasedProgress {
  private last = 0;
  private from = 0;
  private to = 0;
  private lastEmit = -1;

  constructor(private readonly callback: ProgressCallback | undefined) {}

  phase(from: number, to: number, message: string): void {
    this.from = from;
    this.to = to;
    this.report(0, message);
  }

  /** `fraction` is within the current phase; reports are thinned to steps of 0.1 %. */
  report(fraction: number, message: string): void {
    const f = Math.min(1, Math.max(0, fraction));
    const value = Math.max(this.last, this.from + (this.to - this.from) * f);
    this.last = value;
    if (!this.callback) return;
    if (value - this.lastEmit < 0.001 && value < 1 && f > 0) return;
    this.lastEmit = value;
    this.callback(value, message);
  }

  done(message: string): void {
    this.last = 1;
    this.callback?.(1, message);
  }
}
