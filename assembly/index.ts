/**
 * Reading a synthesized cloud assembly (`cdk.out/<env>`): the model of what the application
 * declares, with CloudFormation intrinsics resolved to local names, ARNs and URLs. Read by the
 * local runtime (local/) and the operations CLI (ops/). See assembly/README.md.
 */
export * from './model';
export { findStackTemplate, loadTemplateModel, buildTemplateModel } from './loader';
export { findFunction, findQueue } from './lookup';
export { functionNameOf } from './names';
export { IntrinsicResolver, NO_VALUE } from './intrinsics';
