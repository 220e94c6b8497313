/**
 * Secrets Manager reads with a short in-memory cache: a webhook burst must not turn into a
 * GetSecretValue per request, and a rotated secret must still be picked up within minutes.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export class SecretCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(secretId: string): Promise<string> {
    const cached = this.entries.get(secretId);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (result.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    this.entries.set(secretId, { value: result.SecretString, expiresAt: this.now() + this.ttlMs });
    return result.SecretString;
  }

  /** The values of the given secrets that are set (an unset previous secret is simply skipped). */
  async getAll(secretIds: readonly (string | undefined)[]): Promise<string[]> {
    const values = await Promise.all(
      secretIds.filter((id): id is string => Boolean(id)).map((id) => this.get(id)),
    );
    return values.filter((value) => value.length > 0);
  }

  /** A field of a JSON secret (e.g. OAuth `client_secret`). */
  async getJson<T extends Record<string, string>>(secretId: string): Promise<T> {
    return JSON.parse(await this.get(secretId)) as T;
  }
}
