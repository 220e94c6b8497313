/**
 * `npm run synth [-- dev staging prod]`: synthesizes each environment offline (no credentials, no
 * network) into cdk.out/<env>, with bundling, cdk-nag and CloudFormation validation.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const environments = wanted.length ? wanted : ENVIRONMENTS;

let failed = false;
for (const environment of environments) {
  const out = `cdk.out/${environment}`;
  // A failed nag run leaves a stale report behind: start each synth from nothing.
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  console.log(`synth ${environment} -> ${out}`);
  const result = spawnSync(
    'npx',
    ['cdk', 'synth', '--no-notices', '-q', '-c', `env=${environment}`, '-o', out],
    {
      stdio: 'inherit',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
    },
  );
  if (result.status !== 0) {
    failed = true;
    console.error(`synth ${environment} failed`);
  } else {
    console.log(`synth ${environment} ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
process.exitCode = failed ? 1 : 0;
