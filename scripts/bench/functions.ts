/**
 * Function bundles as deployed: for every Lambda function of the synthesized template, the size of
 * its minified bundle and the CPU time its module takes to load (INIT is billed and is cold-start
 * latency). Each bundle is imported in a fresh Node process so nothing is shared between measures.
 *
 * Module init is judged against a peer measured in the same run, since absolute figures move with
 * the machine (docs/performance.md): a minimal handler bundle, built with the same esbuild
 * settings (application/bundling.ts, source map included) and run with the function's environment,
 * that creates the same AWS SDK clients as the function (the `@aws-sdk/client-*` packages its
 * bundle contains) and a Powertools logger; for a function that verifies access tokens with
 * aws-jwt-verify, the peer is a minimal authorizer: the same library verifying a token for an
 * issuer and audience. Budgets: <= 700 KB minified, module init <= 1.5x the peer's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplateModel } from '../../assembly';
import { synthesizeDev } from '../../local/synth';
import { atMost, bundleLikeLambda, median, printTable, reference, type BenchRow } from './harness';

const BUNDLE_BUDGET_KB = 700;
const INIT_RATIO_BUDGET = 1.5;
const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The client class each SDK package exports, for the packages our functions bundle. */
const CLIENT_CLASSES: Record<string, string> = {
  'client-cloudformation': 'CloudFormationClient',
  'client-cloudwatch': 'CloudWatchClient',
  'client-dynamodb': 'DynamoDBClient',
  'client-eventbridge': 'EventBridgeClient',
  'client-s3': 'S3Client',
  'client-secrets-manager': 'SecretsManagerClient',
  'client-sfn': 'SFNClient',
  'client-sqs': 'SQSClient',
};

/** CPU milliseconds to import `file` (ESM) in a fresh process. */
function initCpuMs(file: string, environment: Record<string, string>): number {
  const script = `const s=process.cpuUsage();await import(${JSON.stringify(file)});const u=process.cpuUsage(s);process.stdout.write(String((u.user+u.system)/1000));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      ...environment,
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
    },
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
}

/** The SDK client packages a bundle contains (each bundles its own package name). */
function sdkClientsOf(bundle: string): string[] {
  const text = readFileSync(bundle, 'utf8');
  return [...new Set([...text.matchAll(/"@aws-sdk\/(client-[a-z0-9-]+)"/g)].map((m) => m[1]!))].sort();
}

/** What a function's peer holds: the function's SDK clients and, if it verifies tokens, the verifier. */
export interface PeerLibraries {
  readonly clients: readonly string[];
  readonly tokenVerifier: boolean;
}

/** The libraries of `bundle` its peer must hold too. */
export function peerLibrariesOf(bundle: string): PeerLibraries {
  const map = `${bundle}.map`;
  const sources = existsSync(map)
    ? (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources
    : [];
  return {
    clients: sdkClientsOf(bundle),
    tokenVerifier: sources.some((source) => source.includes('node_modules/aws-jwt-verify/')),
  };
}

/** The source of the minimal handler that creates `libraries` and a logger. */
export function peerSource({ clients, tokenVerifier }: PeerLibraries): string {
  const classes = clients.map((client) => {
    const name = CLIENT_CLASSES[client];
    if (!name) throw new Error(`no client class known for @aws-sdk/${client}: add it to CLIENT_CLASSES`);
    return [client, name] as const;
  });
  return [
    "import { Logger } from '@aws-lambda-powertools/logger';",
    ...classes.map(([client, name]) => `import { ${name} } from '@aws-sdk/${client}';`),
    ...(tokenVerifier ? ["import { JwtVerifier } from 'aws-jwt-verify';"] : []),
    'const logger = new Logger();',
    `const clients = [${classes.map(([, name]) => `new ${name}({})`).join(', ')}];`,
    ...(tokenVerifier
      ? [
          // Signature against the JWKS, iss, aud, exp, nbf: the verification an authorizer makes.
          "const issuer = 'https://issuer.example';",
          "const verifier = JwtVerifier.create({ issuer, audience: 'supplyline', jwksUri: `${issuer}/jwks` });",
          'export const handler = async (event: { token: string }): Promise<void> =>',
          "  logger.info('peer', { clients: clients.length, subject: (await verifier.verify(event.token)).sub });",
        ]
      : [
          "export const handler = async (): Promise<void> => logger.info('peer', { clients: clients.length });",
        ]),
    '',
  ].join('\n');
}

/** Builds (once per set of libraries) the peer of the functions holding `libraries`. */
export async function peerBundle(
  libraries: PeerLibraries,
  dir: string,
  built: Map<string, string>,
): Promise<string> {
  const key = [...libraries.clients, ...(libraries.tokenVerifier ? ['aws-jwt-verify'] : [])].join('+');
  const known = built.get(key);
  if (known) return known;
  // The entry sits in the repository so esbuild resolves the packages from its node_modules.
  const entryDir = join(REPO_ROOT, '.tmp/bench-peers');
  mkdirSync(entryDir, { recursive: true });
  const entry = join(entryDir, `peer-${built.size}.ts`);
  writeFileSync(entry, peerSource(libraries));
  const bundle = await bundleLikeLambda(entry, join(dir, `peer-${built.size}.mjs`));
  built.set(key, bundle);
  return bundle;
}

/** Bundle size, module init and module init / the peer's for every function of the dev synth. */
export async function benchFunctions(cdkOutArgument?: string, runs = 5): Promise<BenchRow[]> {
  const cdkOut = cdkOutArgument ?? (await synthesizeDev());
  const model = loadTemplateModel({ cdkOut, env: 'dev' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-functions-'));
  const peers = new Map<string, string>();
  const rows: BenchRow[] = [];
  try {
    for (const fn of [...model.functions].sort((a, b) => a.constructId.localeCompare(b.constructId))) {
      const bundle = join(fn.assetDir, 'index.mjs');
      if (!existsSync(bundle)) continue; // CDK's own helper functions (e.g. log retention) are not ours
      const libraries = peerLibrariesOf(bundle);
      const peer = await peerBundle(libraries, dir, peers);
      // Function and peer alternate, so the machine's load falls on both sides of each ratio.
      const own: number[] = [];
      const theirs: number[] = [];
      for (let run = 0; run < runs; run++) {
        own.push(initCpuMs(bundle, fn.environment));
        theirs.push(initCpuMs(peer, fn.environment));
      }
      const ratio = median(own.map((ms, run) => ms / theirs[run]!));
      rows.push(
        atMost(
          `${fn.constructId}: minified bundle`,
          Math.round(statSync(bundle).size / 1024),
          'KB',
          BUNDLE_BUDGET_KB,
        ),
        reference(`${fn.constructId}: module init CPU`, median(own), 'ms'),
        atMost(
          `${fn.constructId}: module init / peer's (${median(theirs).toFixed(0)} ms, ${libraries.clients.length} SDK clients${libraries.tokenVerifier ? ' + token verifier' : ''} + logger)`,
          Math.round(ratio * 100) / 100,
          'x',
          INIT_RATIO_BUDGET,
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ok = printTable('Function bundles (dev synth)', await benchFunctions(process.argv[2]));
  process.exitCode = ok ? 0 : 1;
}
