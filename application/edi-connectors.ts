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
}

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
