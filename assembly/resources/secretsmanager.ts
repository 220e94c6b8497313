/** Secrets Manager: secrets, named `<StackName>/<ConstructId>` unless the template names them. */
import type { SecretModel } from '../model';
import { constructIdOf } from '../names';
import { num, ofType, props, type ReaderInput } from './common';

/** `AWS::SecretsManager::Secret` and how its value is generated. */
export function readSecrets(input: ReaderInput): SecretModel[] {
  const { resolver } = input;
  const str = (value: unknown) => resolver.string(value);
  return ofType(input, 'AWS::SecretsManager::Secret').map(([logicalId, r]) => {
    const p = props(r);
    const generate = resolver.value(p.GenerateSecretString) as Record<string, unknown> | undefined;
    return {
      logicalId,
      constructId: constructIdOf(r, logicalId),
      name: resolver.secretName(logicalId),
      arn: resolver.attribute(logicalId, 'Arn'),
      ...(p.Description !== undefined ? { description: str(p.Description) } : {}),
      ...(p.SecretString !== undefined ? { secretString: str(p.SecretString) } : {}),
      ...(generate
        ? {
            generate: {
              passwordLength: num(generate.PasswordLength) ?? 32,
              excludePunctuation:
                generate.ExcludePunctuation === true || generate.ExcludePunctuation === 'true',
              ...(typeof generate.SecretStringTemplate === 'string'
                ? { secretStringTemplate: generate.SecretStringTemplate }
                : {}),
              ...(typeof generate.GenerateStringKey === 'string'
                ? { generateStringKey: generate.GenerateStringKey }
                : {}),
            },
          }
        : {}),
    };
  });
}
