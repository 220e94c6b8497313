/** The time the business rules act at: `new Date()` in Lambda, a fixed or stepped clock in tests. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}
