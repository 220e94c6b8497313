/**
 * `npm start`: synthesize, start the local runtime with the simulators (or your sandboxes, see
 * local/environment.ts), run the seed scenario, print what happened, then keep serving until Ctrl-C.
 * `npm run demo`: the same scenario headless; exits 0 when it completed as expected. Against your own
 * sandboxes the scenario runs only with `--scenario` (local/scenario/opt-in.ts).
 */
import { rmSync } from 'node:fs';
import { removeLocalRuntimeState, writeLocalRuntimeState } from '../ops/local-state';
import { dashboardSignInHelp, type LocalIdentity } from './identity/start';
import { LOCAL_BUSINESS_UNITS } from './business-units';
import { operationsState } from './operations-state';
import { readSettings, startLocalEnvironment } from './environment';
import { decideSeedScenario } from './scenario/opt-in';
import { formatReport, runSeedScenario } from './scenario/seed-scenario';

const demo = process.argv.includes('--demo');

/**
 * Where `npm start` keeps its DynamoDB tables and event archive while it runs (inspectable after a
 * stop). Started afresh each time: the simulators start afresh too, and half-remembered state (an
 * open purchase order the simulators no longer know) would change what the scenario decides.
 */
const DATA_DIR = '.tmp/local-data';

/** How to get an access token for the governed routes. */
function tokenHelp(identity: LocalIdentity, baseUrl: string): string[] {
  if (!identity.provider)
    return [`Access tokens: from your identity provider ${identity.issuer} (audience ${identity.audience})`];
  const people = identity.provider.people.map((p) => `${p.login} (${p.groups.join(', ')})`).join(', ');
  return [
    `Identity provider (OpenID Connect): ${identity.issuer}`,
    `  people: ${people}; applications: ${Object.keys(identity.provider.applications).join(', ')}`,
    "  a person's token:       npm run token -- --person ava.approver",
    "  an application's token: npm run token -- --client wms",
    `  then: TOKEN=$(npm run -s token -- --client wms); curl -H "Authorization: Bearer $TOKEN" -H "x-api-key: <key above>" ${baseUrl}/v1/purchase-orders/<ref>/sync`,
  ];
}

async function main(): Promise<number> {
  const settings = readSettings();
  const scenario = decideSeedScenario(settings, process.argv);
  if (demo && !scenario.run) {
    // Nothing else to do headless: say why, before starting anything.
    console.error(scenario.message);
    return 2;
  }
  if (!demo) rmSync(DATA_DIR, { recursive: true, force: true });
  // The demo runs in CI next to other processes: take any free port.
  const environment = await startLocalEnvironment({
    settings: demo ? { ...settings, port: 0 } : settings,
    quietFunctions: true,
    dataDir: demo ? undefined : DATA_DIR,
    // The seed supplier S-1001 trades by EDI: the partner simulator answers its 850s.
    ediPartner: true,
    // Two business units (east and west), each with its own embedded ERP (issue #18).
    businessUnits: LOCAL_BUSINESS_UNITS,
  });
  const { runtime } = environment;
  if (!demo) {
    // The operations CLI (`ops/cli.ts --local`) finds this runtime through this file.
    writeLocalRuntimeState(operationsState(runtime));
  }
  const ready = `[local] Local runtime ready in ${(runtime.startupMs / 1000).toFixed(1)} s.`;
  if (scenario.run) {
    console.log(`${ready} Running the seed scenario ...`);
    const report = await runSeedScenario(environment);
    console.log(formatReport(report));
    if (demo) {
      await environment.stop();
      return report.ok ? 0 : 1;
    }
  } else {
    console.log(`${ready}\n${scenario.message}`);
  }
  const routes = [
    ...runtime.model.httpApis.flatMap((api) =>
      api.routes.map(
        (route) => `  ${route.method.padEnd(6)} ${runtime.baseUrl}${route.path}   (signed webhook)`,
      ),
    ),
    ...runtime.model.apis.flatMap((api) =>
      api.routes.map(
        (route) =>
          `  ${route.httpMethod.padEnd(6)} ${runtime.baseUrl}${route.resourcePath}${route.authorizer ? '   (Bearer token + x-api-key)' : route.apiKeyRequired ? '   (x-api-key)' : ''}`,
      ),
    ),
  ];
  console.log(
    [
      '',
      `Supplyline is running locally at ${runtime.baseUrl}`,
      ...routes,
      `API key for governed routes (metering): ${runtime.apiKey}`,
      ...tokenHelp(runtime.identity, runtime.baseUrl),
      ...(runtime.dashboardUrl
        ? [
            `Operations dashboard: ${runtime.dashboardUrl}`,
            ...dashboardSignInHelp(runtime.identity, runtime.dashboardUrl),
          ]
        : []),
      'Operations CLI: npx tsx ops/cli.ts --local --help',
      environment.procurement ? `Procurement simulator: ${environment.procurement.url}` : '',
      ...(environment.erps
        ? Object.entries(environment.erps).map(
            ([unit, erp]) => `ERP simulator of business unit ${unit}: ${erp.url}`,
          )
        : [environment.erp ? `ERP simulator: ${environment.erp.url}` : '']),
      `Planning simulator: ${environment.planning.url}`,
      environment.ediPartner
        ? `EDI partner simulator: ${environment.ediPartner.partner.partnerId} (${environment.ediPartner.behaviour}), mailbox bucket outbound/ and inbound/${environment.ediPartner.partner.partnerId}/`
        : '',
      '',
      'Press Ctrl-C to stop.',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\n[local] Stopping ...');
  removeLocalRuntimeState();
  await environment.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[local] ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
