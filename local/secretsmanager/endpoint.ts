/**
 * A Secrets Manager endpoint (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`) serving
 * the template's secrets with values the caller passes (webhook signing secrets, OAuth client
 * credentials...), or generated like the template's GenerateSecretString when not given.
 * Operations: GetSecretValue, DescribeSecret, PutSecretValue, ListSecrets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsServiceError, requiredString, startAwsJsonServer, type AwsJsonServer } from '../http/aws-json';
import type { SecretModel } from '../../assembly';

/** A secret value: text, or an object stored as its JSON. */
export type SecretValue = string | Record<string, unknown>;

/** The secrets and their current values. */
export class LocalSecrets {
  private readonly values = new Map<string, { value: string; versionId: string; createdAt: Date }>();

  /**
   * `given` is keyed by the secret's construct id (`PlanningWebhookSigningCurrent`), its camelCase
   * (`planningWebhookSigningCurrent`), logical id, name or ARN.
   */
  constructor(
    readonly secrets: readonly SecretModel[],
    given: Readonly<Record<string, SecretValue>> = {},
  ) {
    const unknown = Object.keys(given).filter((key) => !this.find(key));
    if (unknown.length > 0) {
      throw new Error(
        `No secret in the template for: ${unknown.join(', ')} (secrets: ${secrets.map((s) => camel(s.constructId)).join(', ')})`,
      );
    }
    for (const secret of secrets) {
      const key = Object.keys(given).find((k) => this.find(k) === secret);
      this.set(secret.arn, key !== undefined ? given[key]! : generate(secret));
    }
  }

  /** The secret a key designates (construct id, camelCase key, logical id, name, full or partial ARN). */
  find(key: string): SecretModel | undefined {
    return this.secrets.find(
      (s) =>
        s.arn === key ||
        s.name === key ||
        s.logicalId === key ||
        s.constructId === key ||
        camel(s.constructId) === key ||
        // A partial ARN (without the random suffix) also names the secret.
        s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === key,
    );
  }

  /** The current value (text). */
  get(key: string): string {
    const secret = this.find(key);
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return this.values.get(secret.arn)!.value;
  }

  /** Replaces the value (a new version). */
  set(key: string, value: SecretValue): void {
    const secret = this.find(key);
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    this.values.set(secret.arn, {
      value: typeof value === 'string' ? value : JSON.stringify(value),
      versionId: randomUUID(),
      createdAt: new Date(),
    });
  }

  /** Every secret with its value, by camelCase construct id (what `startLocalRuntime` prints for the caller). */
  all(): Record<string, string> {
    return Object.fromEntries(this.secrets.map((s) => [camel(s.constructId), this.values.get(s.arn)!.value]));
  }

  /** Version details for the API. */
  version(key: string): { secret: SecretModel; value: string; versionId: string; createdAt: Date } {
    const secret = this.find(key);
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return { secret, ...this.values.get(secret.arn)! };
  }
}

/** Starts the endpoint. */
export async function startSecretsEndpoint(
  secrets: LocalSecrets,
  options: { port?: number; host?: string } = {},
): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    name: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    version: '1.1',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    operations: {
      GetSecretValue: (input) => {
        const { secret, value, versionId, createdAt } = secrets.version(requiredString(input, 'SecretId'));
        if (typeof input.VersionId === 'string' && input.VersionId !== versionId) {
          throw new AwsServiceError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret value for VersionId",
          );
        }
        if (typeof input.VersionStage === 'string' && input.VersionStage !== 'AWSCURRENT') {
          throw new AwsServiceError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret value for staging label",
          );
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: versionId,
          SecretString: value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: createdAt,
        };
      },
      DescribeSecret: (input) => {
        const { secret, versionId, createdAt } = secrets.version(requiredString(input, 'SecretId'));
        return {
          ARN: secret.arn,
          Name: secret.name,
          Description: secret.description,
          LastChangedDate: createdAt,
          VersionIdsToStages: { [versionId]: ['AWSCURRENT'] },
        };
      },
      PutSecretValue: (input) => {
        const id = requiredString(input, 'SecretId');
        secrets.set(id, requiredString(input, 'SecretString'));
        const { secret, versionId } = secrets.version(id);
        return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
      },
      ListSecrets: () => ({
        SecretList: secrets.secrets.map((s) => ({ ARN: s.arn, Name: s.name, Description: s.description })),
      }),
    },
  });
}

/** A value as Secrets Manager would generate it from the template's GenerateSecretString. */
function generate(secret: SecretModel): string {
  if (secret.secretString !== undefined) return secret.secretString;
  const spec = secret.generate ?? { passwordLength: 32, excludePunctuation: true };
  const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${spec.excludePunctuation ? '' : '!#$%&()*+,-.:;<=>?@[]^_{|}~'}`;
  const bytes = randomBytes(spec.passwordLength);
  const password = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  if (spec.secretStringTemplate !== undefined && spec.generateStringKey !== undefined) {
    const template = JSON.parse(spec.secretStringTemplate) as Record<string, unknown>;
    return JSON.stringify({ ...template, [spec.generateStringKey]: password });
  }
  return password;
}

function camel(id: string): string {
  return id.charAt(0).toLowerCase() + id.slice(1);
}
