/** Step Functions: state machines with their definition (inline or asset) and substitutions. */
import { existsSync, readFileSync } from 'node:fs';
import type { IntrinsicResolver } from '../intrinsics';
import type { BuildContext, StateMachineModel } from '../model';
import { cdkPathOf } from '../names';
import { assetFile, ofType, props, type ReaderInput } from './common';

/** `AWS::StepFunctions::StateMachine`: the definition (inline or asset) and its substitutions. */
export function readStateMachines(input: ReaderInput): StateMachineModel[] {
  const { resolver, context } = input;
  const warnings = resolver.warnings;
  return ofType(input, 'AWS::StepFunctions::StateMachine').flatMap(([logicalId, r]) => {
    const p = props(r);
    const definition = stateMachineDefinition(logicalId, p, resolver, context);
    if (definition === undefined) {
      warnings.push(`state machine ${logicalId}: definition not found in the assembly`);
      return [];
    }
    const substitutions = Object.fromEntries(
      Object.entries((p.DefinitionSubstitutions as Record<string, unknown> | undefined) ?? {}).map(
        ([k, v]) => [k, resolver.string(v)],
      ),
    );
    return [
      {
        logicalId,
        ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
        name: resolver.attribute(logicalId, 'Name'),
        arn: resolver.attribute(logicalId, 'Arn'),
        type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
        definition,
        substitutions,
      },
    ];
  });
}

function stateMachineDefinition(
  logicalId: string,
  p: Record<string, unknown>,
  resolver: IntrinsicResolver,
  context: BuildContext,
): string | undefined {
  if (p.DefinitionString !== undefined) return resolver.string(p.DefinitionString);
  if (p.Definition !== undefined) return JSON.stringify(resolver.value(p.Definition));
  const location = p.DefinitionS3Location as { Key?: unknown } | undefined;
  if (location?.Key !== undefined) {
    const key = resolver.string(location.Key);
    const file = assetFile(key, context);
    if (file && existsSync(file)) return readFileSync(file, 'utf8');
    resolver.warnings.push(`state machine ${logicalId}: asset ${key} not in ${context.cdkOut}`);
  }
  return undefined;
}
