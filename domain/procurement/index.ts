/** The pure business rules of forecast-driven procurement (no I/O). */
export * from './types';
export * from './policy';
export * from './units';
export * from './dates';
export * from './need';
export * from './exception-policy';
export * from './sourcing-decision';
export * from './erp-policy';
export * from './approval';
export * from './compensation';
export * from './acknowledgement';
