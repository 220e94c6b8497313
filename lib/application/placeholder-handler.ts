/**
 * Stands in for a catalog handler whose file does not exist yet (dev only, see
 * `allowPlaceholderHandlers`). It fails every invocation so messages land in the consumer's DLQ
 * and alarm, instead of being acknowledged and lost.
 */
export const handler = async (): Promise<never> => {
  throw new Error(
    `Supplyline function '${process.env.SUPPLYLINE_FUNCTION_KEY ?? 'unknown'}' has no handler yet (placeholder deployed)`,
  );
};
