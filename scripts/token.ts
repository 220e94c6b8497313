/**
 * `npm run token -- --person ava.approver` | `--client wms`: an access token for the governed API
 * from the running local runtime's identity provider (`npm start`), printed alone on stdout so it
 * can be captured: `TOKEN=$(npm run -s token -- --client wms)`.
 * A person signs in with authorization code + PKCE; an application uses client credentials.
 */
import { parseArgs } from 'node:util';
import { clientCredentialsToken } from '../adapters/identity/client-credentials';
import { APPLICATION_CONSUMERS, SUPPLYLINE_SCOPES } from '../application/identity';
import { personToken } from '../local/identity/tokens';
import { readLocalRuntimeState } from '../ops/local-state';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { person: { type: 'string' }, client: { type: 'string' }, 'state-file': { type: 'string' } },
  });
  if (!values.person === !values.client) {
    console.error('usage: npm run token -- --person <login> | --client <application>');
    return 2;
  }
  const { identity } = readLocalRuntimeState(values['state-file']);
  if (!identity) {
    console.error('the running local runtime names no identity provider: restart it with npm start');
    return 1;
  }
  if (values.person) {
    console.log(await personToken(identity.issuer, values.person, SUPPLYLINE_SCOPES));
    return 0;
  }
  const client = identity.applications?.[values.client!];
  if (!client) {
    const known = Object.keys(identity.applications ?? {}).join(', ') || 'none (your own provider)';
    console.error(`no application '${values.client}' at ${identity.issuer} (known: ${known})`);
    return 1;
  }
  // Ask for the application's scopes: oidc-provider grants none unless asked.
  const scopes = APPLICATION_CONSUMERS.find((consumer) => consumer.name === values.client)?.scopes;
  console.log(
    await clientCredentialsToken({ issuer: identity.issuer, ...client, ...(scopes ? { scopes } : {}) }),
  );
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error((error as Error).message);
  return 1;
});
