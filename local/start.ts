/**
 * `npm start`: synthesize, start the local runtime with the simulators (or your sandboxes, see
 * local/environment.ts), run the seed scenario, print what happened, then keep serving until Ctrl-C.
 * `npm run demo`: the same scenario headless; exits 0 when it completed as expected.
 */
import { readSettings, startLocalEnvironment } from './environment';
import { formatReport, runSeedScenario } from './scenario/seed-scenario';

const demo = process.argv.includes('--demo');

async function main(): Promise<number> {
  const settings = readSettings();
  // The demo runs in CI next to other processes: take any free port.
  const environment = await startLocalEnvironment({
    settings: demo ? { ...settings, port: 0 } : settings,
    quietFunctions: true,
    dataDir: demo ? undefined : '.tmp/local-data',
  });
  const { runtime } = environment;
  console.log(
    `[local] Local runtime ready in ${(runtime.startupMs / 1000).toFixed(1)} s. Running the seed scenario ...`,
  );
  const report = await runSeedScenario(environment);
  console.log(formatReport(report));
  if (demo) {
    await environment.stop();
    return report.ok ? 0 : 1;
  }
  const routes = runtime.model.apis.flatMap((api) =>
    api.routes.map(
      (route) =>
        `  ${route.httpMethod.padEnd(6)} ${runtime.baseUrl}${route.resourcePath}${route.apiKeyRequired ? '   (x-api-key)' : ''}`,
    ),
  );
  console.log(
    [
      '',
      `Supplyline is running locally at ${runtime.baseUrl}`,
      ...routes,
      `API key for governed routes: ${runtime.apiKey}`,
      environment.procurement ? `Procurement simulator: ${environment.procurement.url}` : '',
      environment.erp ? `ERP simulator: ${environment.erp.url}` : '',
      `Planning simulator: ${environment.planning.url}`,
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
