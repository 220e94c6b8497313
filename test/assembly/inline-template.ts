import type { BuildContext } from '../../assembly';

/** The build context of a hand-written template: stack `Test` in eu-west-1, no assets. */
export const INLINE_TEMPLATE: BuildContext = {
  cdkOut: process.cwd(),
  templatePath: 'inline',
  stackName: 'Test',
  assets: {},
  region: 'eu-west-1',
  account: '000000000000',
  queueBaseUrl: 'http://sqs.eu-west-1.localhost:1',
};
