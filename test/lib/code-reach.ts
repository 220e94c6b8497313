/**
 * What a function's code can reach, read from its esbuild bundle (tree-shaken like the Lambda
 * bundle, unminified, SDK external): the tables, buckets, secrets, connectors and workflows whose
 * variables it reads, the identity settings it reads, and the AWS SDK commands it constructs. Code that is not in the bundle
 * cannot run in Lambda, so a grant outside this reach is a grant the function never uses.
 */
import { build } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../application/bundling';
import { BUCKETS, CONNECTORS, IDENTITY_ENV_VARS, SECRETS, TABLES } from '../../application/resources';

/** The name {@link CodeReach.secrets} gives the webhook edge's origin secret (not a catalog secret). */
export const WEBHOOK_EDGE_SECRET = 'webhookEdgeOrigin';

/** The resources and SDK commands a bundle can touch. */
export interface CodeReach {
  readonly tables: ReadonlySet<string>;
  readonly buckets: ReadonlySet<string>;
  /** Catalog secret keys, and {@link WEBHOOK_EDGE_SECRET} for the edge's origin secret. */
  readonly secrets: ReadonlySet<string>;
  readonly connectors: ReadonlySet<string>;
  readonly workflows: ReadonlySet<string>;
  /** SDK command classes constructed (`new PutEventsCommand(`), import aliases folded. */
  readonly commands: ReadonlySet<string>;
  /** The identity variables it reads (`IDENTITY_ENV_VARS.<setting>`), by variable name. */
  readonly identityVariables: ReadonlySet<string>;
}

function referenced(text: string, pattern: RegExp, known: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(pattern)) if (known.includes(match[1]!)) found.add(match[1]!);
  return found;
}

/** Bundles `entry` as Lambda does and reads what it can reach. */
export async function codeReach(entry: string): Promise<CodeReach> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: FUNCTION_BUNDLING.platform,
    target: FUNCTION_BUNDLING.target,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    treeShaking: true,
    minify: false,
    // The SDK only constructs the commands the code names; leaving it out keeps the bundle small.
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  const connectors = referenced(text, /CONNECTORS\d*(?:\.(\w+)|\[)/g, Object.keys(CONNECTORS));
  // `CONNECTORS[system]` (a function of the connector): every connector whose key the bundle names.
  if (/CONNECTORS\d*\[/.test(text)) {
    for (const key of Object.keys(CONNECTORS))
      if (new RegExp(`["']${key}["']`).test(text)) connectors.add(key);
  }
  const secrets = referenced(text, /SECRETS\d*\.(\w+)\.envVar/g, Object.keys(SECRETS));
  for (const key of connectors) secrets.add(CONNECTORS[key as keyof typeof CONNECTORS].secret);
  // The webhook edge's origin secret, read where the edge is on (functions/webhooks/composition.ts).
  if (/WEBHOOK_EDGE_SECRET_ENV_VAR\d*\]/.test(text)) secrets.add(WEBHOOK_EDGE_SECRET);
  return {
    tables: referenced(text, /TABLES\d*\.(\w+)\.envVar/g, Object.keys(TABLES)),
    buckets: referenced(text, /BUCKETS\d*\.(\w+)\.envVar/g, Object.keys(BUCKETS)),
    secrets,
    connectors,
    workflows: new Set(
      [...text.matchAll(/stateMachineEnvVar\d*\(\s*["']([a-z-]+)["']\s*\)/g)].map((m) => m[1]!),
    ),
    commands: new Set([...text.matchAll(/new (\w+?Command)\d*\(/g)].map((m) => m[1]!)),
    identityVariables: new Set(
      [...referenced(text, /IDENTITY_ENV_VARS\d*\.(\w+)/g, Object.keys(IDENTITY_ENV_VARS))].map(
        (setting) => IDENTITY_ENV_VARS[setting as keyof typeof IDENTITY_ENV_VARS],
      ),
    ),
  };
}
