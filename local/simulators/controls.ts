/**
 * What a test controls in a running simulator: its clock, and faults switched on and off while it
 * runs. Shared by the procurement and planning simulators.
 */

/** The simulator's clock: real time plus any advance (token expiry, signature timestamps, windows). */
export class SimulatorClock {
  private offsetMs = 0;

  /** The simulator's current time. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward (or back, with a negative `ms`). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Fault settings that change while the simulator runs, and the draw that decides whether one fires. */
export class FaultSwitches<F extends object> {
  private current: F;

  /** `random` decides share-of-calls faults. @default Math.random */
  constructor(
    defaults: F,
    initial: Partial<F> | undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.current = { ...defaults, ...initial };
  }

  /** Current settings. */
  get settings(): Readonly<F> {
    return this.current;
  }

  /** Changes some settings, keeps the others. */
  set(faults: Partial<F>): void {
    this.current = { ...this.current, ...faults };
  }

  /** Whether a fault with this share (0..1) fires now. */
  roll(rate: number): boolean {
    // Draws only when a fault is on, so a scripted random source lines up with the faults under test.
    return rate > 0 && this.random() < rate;
  }
}
