/**
 * Whether `npm start` / `npm run demo` runs the seed scenario. Against the simulators it always does;
 * against a user's own sandboxes it creates real sourcing requests and purchase orders there, so it
 * runs only when the user asked for it (`--scenario` or `SUPPLYLINE_RUN_SCENARIO=1`).
 */
import type { LocalSettings } from '../environment';

/** The command-line flag that opts in. */
export const SCENARIO_FLAG = '--scenario';

/** What to do about the seed scenario, and what to tell the user. */
export interface ScenarioDecision {
  run: boolean;
  /** The user's own systems the scenario would write to; empty with the simulators only. */
  externalSystems: string[];
  /** Shown when the scenario is held back: what it would do and how to opt in. */
  message?: string;
}

/** Decides from the settings and the command line; pure, so the rule is tested without a runtime. */
export function decideSeedScenario(
  settings: Pick<LocalSettings, 'procurement' | 'tryton' | 'runScenario'>,
  argv: readonly string[],
): ScenarioDecision {
  const externalSystems = [
    ...(settings.procurement ? [`the procurement platform at ${settings.procurement.url}`] : []),
    ...(settings.tryton ? [`Tryton at ${settings.tryton.url} (database ${settings.tryton.database})`] : []),
  ];
  if (!externalSystems.length || settings.runScenario || argv.includes(SCENARIO_FLAG)) {
    return { run: true, externalSystems };
  }
  return {
    run: false,
    externalSystems,
    message: [
      `[local] Seed scenario not run: it would write to your own systems (${externalSystems.join(', ')}).`,
      '[local] It would send one forecast exception (SKU-10442 at DC-EAST-02, +40%) that creates a sourcing',
      '[local] request and awards a purchase order in procurement, posts that purchase order to the ERP and',
      '[local] waits for the supplier to acknowledge it.',
      `[local] To run it: npm start -- ${SCENARIO_FLAG} (or npm run demo -- ${SCENARIO_FLAG}), or set SUPPLYLINE_RUN_SCENARIO=1.`,
    ].join('\n'),
  };
}
