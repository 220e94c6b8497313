/** Secrets Manager for the local runtime: the template's secrets behind their endpoint. */
import type { TemplateModel } from '../../assembly';
import { LocalSecrets, startSecretsEndpoint, type SecretValue } from './endpoint';

/** The running local Secrets Manager. */
export interface LocalSecretsManager {
  secrets: LocalSecrets;
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the endpoint with the values given (by construct id, name or ARN); the others are generated. */
export async function startSecretsManager(
  assembly: Pick<TemplateModel, 'secrets'>,
  options: { host: string; secrets?: Readonly<Record<string, SecretValue>>; log: (line: string) => void },
): Promise<LocalSecretsManager> {
  options.log(`starting Secrets Manager (${assembly.secrets.length} secrets)`);
  const secrets = new LocalSecrets(assembly.secrets, options.secrets ?? {});
  const server = await startSecretsEndpoint(secrets, { host: options.host });
  return { secrets, endpoint: server.url, stop: () => server.close() };
}
