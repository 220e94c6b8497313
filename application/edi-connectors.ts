/**
 * The optional AWS Transfer Family connector of an EDI partner (ADR 0010, decision 11): SFTP only.
 * The profile names the partner's server, the Secrets Manager secret holding the credentials we log
 * in with (by name or ARN, never the value) and the server's host keys; the stack builds one
 * connector per partner that has one, allowed to read only that partner's outbound mailbox folder.
 */

/** How Supplyline reaches a partner's SFTP server. */
export interface SftpConnectorProfile {
  /** `sftp://host` or `sftp://host:port`: no user, password, path or query. */
  readonly url: string;
  /**
   * Name or ARN of the Secrets Manager secret with the partner's login (`Username` and
   * `PrivateKey` or `Password`, the keys Transfer Family reads). The value never enters configuration.
   */
  readonly userSecret: string;
  /** The server's public host keys (`ssh-keyscan`), `<type> <base64>`: RSA or ECDSA, the types Transfer Family accepts. */
  readonly trustedHostKeys: readonly string[];
  /** The folder on the partner's server that receives our 850s (absolute). */
  readonly sendDirectory: string;
  /** Pulling what the partner leaves for us on its server; without it the partner writes to our mailbox itself. */
  readonly retrieve?: SftpRetrieveProfile;
}

/**
 * A scheduled pull of the partner's outbox: every `everyMinutes` the connector lists `directory`,
 * retrieves each file listed into `inbound/<partner>/` of the mailbox and, once a file is in the
 * mailbox, moves it to `retrievedDirectory` on the partner's server, so no pass takes it twice.
 */
export interface SftpRetrieveProfile {
  /** The partner's outbox folder (absolute). */
  readonly directory: string;
  /** Where retrieved files go on the partner's server (absolute, not `directory` itself). */
  readonly retrievedDirectory: string;
  /** @default 15 */
  readonly everyMinutes?: number;
}

/** The mailbox prefix of Transfer Family's working files (directory listings): not `inbound/`, so never read as an interchange. */
export const TRANSFERS_PREFIX = 'transfers/';

/** Where a partner's directory listings land in the mailbox. */
export const listingPrefix = (partnerId: string) => `${TRANSFERS_PREFIX}${partnerId}/listings/`;

/** How often a partner's outbox is pulled when its profile does not say. */
export const DEFAULT_RETRIEVE_MINUTES = 15;

/** The SFTP security policy of every connector: current ciphers and key exchanges only. */
export const SFTP_CONNECTOR_SECURITY_POLICY = 'TransferSFTPConnectorSecurityPolicy-2024-03';

// Secret names allow these characters (Secrets Manager CreateSecret).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const HOST_KEY =
  /^(ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) [A-Za-z0-9+/]+={0,2}$/;
const DIRECTORY = /^\/[A-Za-z0-9/_.-]*$/;

/** What is wrong with the connectors of a set of profiles (empty when they are usable). */
export function sftpConnectorProblems(
  partners: readonly { readonly partnerId: string; readonly connector?: SftpConnectorProfile }[],
): string[] {
  const problems: string[] = [];
  for (const { partnerId, connector } of partners) {
    if (connector === undefined) continue;
    const at = `EDI partner '${partnerId}' connector`;
    problems.push(...urlProblems(connector.url).map((p) => `${at}: ${p}`));
    if (typeof connector.userSecret !== 'string' || connector.userSecret === '')
      problems.push(`${at}: userSecret (the Secrets Manager secret name or ARN with the login) is missing`);
    else if (!SECRET_NAME.test(connector.userSecret) && !SECRET_ARN.test(connector.userSecret))
      problems.push(`${at}: userSecret must be a Secrets Manager secret name or ARN, not a secret value`);
    if (!Array.isArray(connector.trustedHostKeys) || connector.trustedHostKeys.length === 0)
      problems.push(
        `${at}: trustedHostKeys must list the server's host keys (ssh-keyscan), so we know whom we log in to`,
      );
    else
      for (const key of connector.trustedHostKeys)
        if (typeof key !== 'string' || !HOST_KEY.test(key))
          problems.push(
            `${at}: host key '${String(key).slice(0, 24)}' must be '<ssh-rsa|ecdsa-sha2-nistp*> <base64>'`,
          );
    if (typeof connector.sendDirectory !== 'string' || !DIRECTORY.test(connector.sendDirectory))
      problems.push(`${at}: sendDirectory must be an absolute folder on the partner's server, e.g. /inbox`);
    if (connector.retrieve !== undefined)
      problems.push(...retrieveProblems(connector.retrieve).map((p) => `${at}: ${p}`));
  }
  return problems;
}

function urlProblems(text: unknown): string[] {
  if (typeof text !== 'string') return ['url is missing'];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [`url '${text}' is not a URL`];
  }
  if (url.protocol !== 'sftp:')
    return [
      `url '${text}' must be sftp:// (AS2 connectors need AS2 profiles and certificates, not supported)`,
    ];
  const problems: string[] = [];
  if (url.hostname === '') problems.push(`url '${text}' has no host`);
  if (url.username !== '' || url.password !== '')
    problems.push(`url must not carry a user or password: they belong in userSecret`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
    problems.push(`url '${text}' must be sftp://host[:port] only (the folder is sendDirectory)`);
  return problems;
}

function retrieveProblems(retrieve: SftpRetrieveProfile): string[] {
  const problems: string[] = [];
  const folder = (value: unknown) => typeof value === 'string' && DIRECTORY.test(value) && value !== '/';
  if (!folder(retrieve.directory))
    problems.push(`retrieve.directory must be an absolute folder on the partner's server, e.g. /outbox`);
  if (!folder(retrieve.retrievedDirectory))
    problems.push(`retrieve.retrievedDirectory must be an absolute folder, e.g. /outbox/retrieved`);
  else if (retrieve.retrievedDirectory.replace(/\/$/, '') === String(retrieve.directory).replace(/\/$/, ''))
    problems.push(
      `retrieve.retrievedDirectory must differ from retrieve.directory, or every pass takes the same files again`,
    );
  const every = retrieve.everyMinutes;
  if (every !== undefined && (!Number.isInteger(every) || every < 1 || every > 1440))
    problems.push(`retrieve.everyMinutes must be a whole number of minutes from 1 to 1440`);
  return problems;
}
