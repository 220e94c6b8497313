/**
 * What a test controls in a running simulator: its clock, and faults switched on and off while it
 * runs. The procurement and planning simulators extend it.
 */

/** Settings every simulator takes: its faults at start, the random source that fires them, its port. */
export interface SimulatorRunOptions<F extends object> {
  faults?: Partial<F>;
  /** Random source for fault injection. @default Math.random */
  random?: () => number;
  /** @default 0 (any free port) */
  port?: number;
}

/** The clock and fault switches of a simulator. */
export abstract class SimulatorControls<F extends object> {
  private clockOffsetMs = 0;
  private faultSettings: F;
  private readonly random: () => number;

  /** `defaults`: every fault off. */
  protected constructor(defaults: F, options: SimulatorRunOptions<F>) {
    this.faultSettings = { ...defaults, ...options.faults };
    this.random = options.random ?? Math.random;
  }

  /** The simulator's clock: real time plus any advance. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /**
   * Moves the simulator's clock: token expiry, idempotency scope, outage windows, export URL
   * expiry and webhook signature timestamps follow it (e.g. to produce signatures a receiver must
   * reject as expired).
   */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Current fault settings. */
  get faults(): Readonly<F> {
    return this.faultSettings;
  }

  /** Changes fault settings while running. */
  setFaults(faults: Partial<F>): void {
    this.faultSettings = { ...this.faultSettings, ...faults };
  }

  /** Whether a fault with this share (0..1) of calls fires now. */
  protected roll(rate: number): boolean {
    // Draws only when a fault is on, so a scripted random source lines up with the faults under test.
    return rate > 0 && this.random() < rate;
  }
}
