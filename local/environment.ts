/**
 * The local environment: the synthesized application on the local runtime, wired to the three
 * external systems — simulators by default, or the user's own sandboxes when configured:
 *
 * | variable | meaning |
 * |---|---|
 * | `SUPPLYLINE_PORT` | port of the local API (default 3000; 0 picks a free one) |
 * | `SUPPLYLINE_PROCUREMENT_URL`, `SUPPLYLINE_PROCUREMENT_CLIENT_ID`, `SUPPLYLINE_PROCUREMENT_CLIENT_SECRET`, `SUPPLYLINE_PROCUREMENT_WEBHOOK_SECRET` | a procurement sandbox instead of the simulator |
 * | `SUPPLYLINE_TRYTON_URL`, `SUPPLYLINE_TRYTON_DATABASE`, `SUPPLYLINE_TRYTON_USER`, `SUPPLYLINE_TRYTON_PASSWORD` | a Tryton ERP instead of the embedded ERP simulator |
 * | `SUPPLYLINE_IDENTITY_ISSUER`, `SUPPLYLINE_IDENTITY_AUDIENCE`, `SUPPLYLINE_IDENTITY_GROUPS_CLAIM` | your own OpenID Connect provider instead of the local one (local/identity) |
 * | `SUPPLYLINE_IDENTITY_DASHBOARD_CLIENT_ID` | with your own provider: the public client (code + PKCE) people sign in to the local dashboard with |
 * | `SUPPLYLINE_DASHBOARD_PORT` | port of the local dashboard (default: a free one; fix it where your provider registers its callback) |
 * | `SUPPLYLINE_PLANNING_WEBHOOK_SECRET` | the planning platform's signing secret (the simulator uses it too) |
 * | `SUPPLYLINE_RUN_SCENARIO` | `1`: run the seed scenario even against your own systems (or `--scenario`) |
 *
 * The same variables can be put in `supplyline.local.json` (keys without the `SUPPLYLINE_` prefix,
 * camel-cased is not needed: e.g. `{"TRYTON_URL": "http://..."}`); the environment wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { DEMO_EDI_PARTNER } from '../application/edi-partners';
import { erpInstanceEnvVars, type ErpInstance } from '../application/erp-instances';
import { pascalCase } from '../application/resources';
import { unitMasterData } from './business-units';
import { EdiPartnerSimulator, s3PartnerMailbox } from './simulators/edi-partner';
import { ErpSimulatorServer } from './simulators/erp/server';
import { PlanningSimulator } from './simulators/planning';
import { ProcurementSimulator } from './simulators/procurement';
import { procurementSeed } from './seed/master-data';
import { startLocalRuntime, type LocalRuntime } from './runtime/runtime';
import { synthesizeDev } from './synth';

export const ROOT = join(import.meta.dirname, '..');

export interface LocalSettings {
  port: number;
  procurement?: { url: string; clientId: string; clientSecret: string; webhookSecret: string };
  tryton?: { url: string; database: string; user: string; password: string };
  planningWebhookSecret: string;
  /** Your own identity provider for the governed API's access tokens (default: the local one). */
  identity?: { issuer: string; audience?: string; groupsClaim?: string; dashboardClientId?: string };
  /** The dashboard's port (default: a free one). */
  dashboardPort?: number;
  /** `SUPPLYLINE_RUN_SCENARIO=1`: run the seed scenario against your own systems too (local/scenario/opt-in.ts). */
  runScenario?: boolean;
}

/** Settings from `supplyline.local.json` and `SUPPLYLINE_*` environment variables. */
export function readSettings(environment: NodeJS.ProcessEnv = process.env): LocalSettings {
  const file = join(ROOT, 'supplyline.local.json');
  const fromFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const get = (name: string) => environment[`SUPPLYLINE_${name}`] ?? fromFile[name];
  const procurementUrl = get('PROCUREMENT_URL');
  const trytonUrl = get('TRYTON_URL');
  const identityIssuer = get('IDENTITY_ISSUER');
  const identityAudience = get('IDENTITY_AUDIENCE');
  const groupsClaim = get('IDENTITY_GROUPS_CLAIM');
  const dashboardClientId = get('IDENTITY_DASHBOARD_CLIENT_ID');
  const dashboardPort = get('DASHBOARD_PORT');
  return {
    port: Number(get('PORT') ?? 3000),
    planningWebhookSecret: get('PLANNING_WEBHOOK_SECRET') ?? 'local-planning-signing-secret',
    ...(dashboardPort ? { dashboardPort: Number(dashboardPort) } : {}),
    runScenario: ['1', 'true', 'yes'].includes(String(get('RUN_SCENARIO') ?? '').toLowerCase()),
    ...(identityIssuer
      ? {
          identity: {
            issuer: identityIssuer,
            ...(identityAudience ? { audience: identityAudience } : {}),
            ...(groupsClaim ? { groupsClaim } : {}),
            ...(dashboardClientId ? { dashboardClientId } : {}),
          },
        }
      : {}),
    ...(procurementUrl
      ? {
          procurement: {
            url: procurementUrl,
            clientId: get('PROCUREMENT_CLIENT_ID') ?? '',
            clientSecret: get('PROCUREMENT_CLIENT_SECRET') ?? '',
            webhookSecret: get('PROCUREMENT_WEBHOOK_SECRET') ?? '',
          },
        }
      : {}),
    ...(trytonUrl
      ? {
          tryton: {
            url: trytonUrl,
            database: get('TRYTON_DATABASE') ?? 'supplyline',
            user: get('TRYTON_USER') ?? 'admin',
            password: get('TRYTON_PASSWORD') ?? '',
          },
        }
      : {}),
  };
}

export interface LocalEnvironment {
  runtime: LocalRuntime;
  /** Present when the simulator stands in for the system. */
  procurement?: ProcurementSimulator;
  erp?: ErpSimulatorServer;
  /** With business units: each unit's embedded ERP by unit name (`erp` is the first's). */
  erps?: Readonly<Record<string, ErpSimulatorServer>>;
  /** The business units it runs (`businessUnits`), when more than the single ERP. */
  businessUnits?: readonly ErpInstance[];
  planning: PlanningSimulator;
  /** The EDI trading partner of the seed supplier, when started (`ediPartner`). */
  ediPartner?: EdiPartnerSimulator;
  settings: LocalSettings;
  stop(): Promise<void>;
}

const PROCUREMENT_SIM_CLIENT = { clientId: 'supplyline', clientSecret: 'supplyline-secret' };
const PROCUREMENT_SIM_WEBHOOK_SECRET = 'local-procurement-signing-secret';

/**
 * Function logs, quiet except for the lines a person watches a long run by: bulk forecast sync
 * progress (rows done, rows per second) and its summary.
 */
function progressOnly(log: (line: string) => void) {
  return (functionName: string, line: string): void => {
    if (!line.includes('forecast sync')) return;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      // Progress lines carry the figures at the top level, the final line in `summary`.
      const source = (entry.summary as Record<string, unknown> | undefined) ?? entry;
      const names = [
        'planId',
        'version',
        'phase',
        'rows',
        'rowsPerSecond',
        'accepted',
        'rejected',
        'changesEmitted',
        'durationMs',
      ];
      const shown = names
        .filter((name) => source[name] !== undefined)
        .map((name) => {
          const value = source[name];
          return `${name}=${typeof value === 'number' ? Math.round(value) : String(value)}`;
        });
      log(`${functionName}: ${String(entry.message)} ${shown.join(' ')}`);
    } catch {
      // Not a structured line: not a progress report.
    }
  };
}

export async function startLocalEnvironment(
  options: {
    settings?: LocalSettings;
    log?: (line: string) => void;
    quietFunctions?: boolean;
    dataDir?: string;
    speedUp?: number;
    /**
     * Start the EDI partner simulator for dev's demo partner (S-1001): it answers the 850s in the
     * mailbox bucket, and the procurement simulator no longer confirms that supplier's orders in
     * its portal (the supplier confirms by 855). @default false
     */
    ediPartner?: boolean;
    /**
     * Business units, each with its own embedded ERP simulator holding its own warehouses
     * (local/business-units.ts); ignored with your own Tryton. @default the single ERP
     */
    businessUnits?: readonly ErpInstance[];
  } = {},
): Promise<LocalEnvironment> {
  const log = options.log ?? ((line: string) => console.log(`[local] ${line}`));
  const settings = options.settings ?? readSettings();
  const started = Date.now();
  const units =
    !settings.tryton && (options.businessUnits?.length ?? 0) > 1 ? options.businessUnits : undefined;
  const cdkOut = await synthesizeDev(log, units ? { erpInstances: JSON.stringify(units) } : {});
  log(`Cloud assembly ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${cdkOut}`);

  const unitErps = units ? await startUnitErps(units, log) : undefined;
  const erps = unitErps?.erps;
  const erp = settings.tryton ? undefined : (erps?.[units![0]!.name] ?? (await ErpSimulatorServer.start()));
  if (erps) log(`ERP: business units ${units!.map((u) => `${u.name} at ${erps[u.name]!.url}`).join(', ')}`);
  else if (erp) log(`ERP: embedded ERP simulator at ${erp.url}`);
  else log(`ERP: Tryton at ${settings.tryton!.url} (database ${settings.tryton!.database})`);

  const procurement = settings.procurement
    ? undefined
    : await ProcurementSimulator.start({
        ...procurementSeed(),
        webhooks: { secret: PROCUREMENT_SIM_WEBHOOK_SECRET, retry: { maxRetries: 6, baseDelayMs: 200 } },
        acknowledgement: { delayMs: 300 },
      });
  const procurementSettings = settings.procurement ?? {
    url: procurement!.url,
    ...PROCUREMENT_SIM_CLIENT,
    webhookSecret: PROCUREMENT_SIM_WEBHOOK_SECRET,
  };
  log(
    procurement ? `Procurement: simulator at ${procurement.url}` : `Procurement: ${procurementSettings.url}`,
  );

  const planning = await PlanningSimulator.start({ secrets: [settings.planningWebhookSecret] });
  log(`Planning: simulator at ${planning.url} (signed webhooks, bulk exports)`);

  const runtime = await startLocalRuntime({
    env: 'dev',
    cdkOut,
    port: settings.port,
    dataDir: options.dataDir,
    speedUp: options.speedUp,
    ...(settings.identity ? { identity: settings.identity } : {}),
    ...(settings.dashboardPort !== undefined ? { dashboard: { port: settings.dashboardPort } } : {}),
    log,
    ...(options.quietFunctions ? { functionLogs: progressOnly(log) } : {}),
    overrides: {
      TENANT_ID: 'local',
      PROCUREMENT_BASE_URL: procurementSettings.url,
      ERP_BASE_URL: settings.tryton?.url ?? erp!.url,
      ERP_PROTOCOL: settings.tryton ? 'tryton' : 'supplyline-rpc',
      ERP_DATABASE: settings.tryton?.database ?? 'simulator',
      FORECAST_EXPORT_ALLOW_HTTP: 'true',
      ...unitErps?.overrides,
    },
    secrets: {
      planningWebhookSigningCurrent: settings.planningWebhookSecret,
      planningWebhookSigningPrevious: '',
      procurementWebhookSigning: procurementSettings.webhookSecret,
      procurementOAuthClient: JSON.stringify({
        client_id: procurementSettings.clientId,
        client_secret: procurementSettings.clientSecret,
      }),
      erpCredentials: JSON.stringify({
        username: settings.tryton?.user ?? 'simulator',
        password: settings.tryton?.password ?? 'simulator',
      }),
      ...unitErps?.secrets,
    },
  });
  planning.setSubscriber(`${runtime.baseUrl}/v1/webhooks/planning`);
  procurement?.setSubscriber(`${runtime.baseUrl}/v1/webhooks/procurement`, PROCUREMENT_SIM_WEBHOOK_SECRET);
  const edi = options.ediPartner ? startEdiPartner(runtime, procurement) : undefined;
  const ediPartner = edi?.simulator;
  if (ediPartner)
    log(
      `EDI: partner simulator ${ediPartner.partner.partnerId} for ${ediPartner.partner.supplierNumber} (${ediPartner.behaviour}) on the mailbox bucket`,
    );
  return {
    runtime,
    procurement,
    erp,
    ...(erps ? { erps, businessUnits: units } : {}),
    planning,
    ediPartner,
    settings,
    stop: async () => {
      await ediPartner?.close();
      edi?.s3.destroy();
      await runtime.stop();
      await Promise.all([
        planning.close(),
        procurement?.close(),
        ...(erps ? Object.values(erps).map((unitErp) => unitErp.close()) : [erp?.close()]),
      ]);
    },
  };
}

/** The demo partner on the runtime's mailbox bucket; its supplier confirms by 855, not in the portal. */
function startEdiPartner(runtime: LocalRuntime, procurement: ProcurementSimulator | undefined) {
  procurement?.setSupplierAckBehaviour(DEMO_EDI_PARTNER.supplierNumber, 'never');
  const bucket = runtime.model.buckets.find((b) => b.constructId === 'EdiMailboxBucket');
  if (!bucket) throw new Error('the synthesized app has no EDI mailbox bucket');
  const s3 = new S3Client({
    region: runtime.model.region,
    endpoint: runtime.endpoints.sqs,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const simulator = EdiPartnerSimulator.start({
    partner: DEMO_EDI_PARTNER,
    mailbox: s3PartnerMailbox(s3, bucket.name),
  });
  return { simulator, s3 };
}

/** Business units' embedded ERPs, and what points the functions at them. */
export interface UnitErps {
  /** Each unit's embedded ERP, by unit name. */
  erps: Record<string, ErpSimulatorServer>;
  /** Each unit's connection variables (the first's are the single-ERP names) onto its simulator. */
  overrides: Record<string, string>;
  /** The simulators' credentials in each further unit's own secret (the first's is erpCredentials). */
  secrets: Record<string, string>;
}

/** One embedded ERP per business unit, each holding only its own warehouses. */
export async function startUnitErps(
  units: readonly ErpInstance[],
  log: (line: string) => void,
): Promise<UnitErps> {
  const started = await Promise.all(
    units.map((unit) => ErpSimulatorServer.start({ data: unitMasterData(unit) })),
  );
  for (const unit of units) log(`ERP ${unit.name}: warehouses ${unit.warehouses.join(', ')}`);
  return {
    erps: Object.fromEntries(units.map((unit, index) => [unit.name, started[index]!])),
    overrides: Object.fromEntries(
      units.flatMap((unit, index) => {
        const vars = erpInstanceEnvVars(unit.name, index);
        return [
          [vars.baseUrl, started[index]!.url],
          [vars.protocol, 'supplyline-rpc'],
          [vars.database, unit.database],
        ];
      }),
    ),
    secrets: Object.fromEntries(
      units
        .slice(1)
        .map((unit) => [
          `${pascalCase(unit.name)}Credentials`,
          JSON.stringify({ username: 'simulator', password: 'simulator' }),
        ]),
    ),
  };
}
