import type { ApiRouteDefinition } from '../application/api-routes';
import { IDEMPOTENCY_RECORDS, type FunctionDefinition } from '../application/functions';
import { TABLES } from '../application/resources';
import { isObjectsCreated, type ResolvedRoute } from '../application/routing';
import type { WorkflowDefinition } from '../application/workflows';

/** Cross-checks the catalogs and the routing table; throws listing every problem. */
export function validateCatalogs(
  catalog: readonly FunctionDefinition[],
  workflows: readonly WorkflowDefinition[],
  routes: readonly ResolvedRoute[],
  apiRoutes: readonly ApiRouteDefinition[],
): void {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const definition of catalog) {
    if (keys.has(definition.key)) problems.push(`function '${definition.key}' is in the catalog twice`);
    keys.add(definition.key);
    const drained = routes.filter((route) => route.handler === definition.key);
    const isConsumer = drained.length > 0;
    if (drained.length > 1) {
      problems.push(
        `function '${definition.key}' drains ${drained.length} queues; a consumer has one queue and one DLQ (DEAD_LETTER_QUEUE_URL)`,
      );
    }
    const idempotency = definition.grants.tables?.idempotency ?? [];
    // Consumers of a bucket's objects are not the canonical consumer framework: no idempotency records.
    const ofCanonicalEvents = drained.some((route) => !isObjectsCreated(route.pattern));
    if (
      ofCanonicalEvents &&
      (!definition.grants.bus || IDEMPOTENCY_RECORDS.some((op) => !idempotency.includes(op)))
    ) {
      problems.push(
        `function '${definition.key}' is a queue consumer: grant bus and idempotency IDEMPOTENCY_RECORDS (the consumer framework needs both)`,
      );
    }
    if (isConsumer && definition.schedule) {
      problems.push(`function '${definition.key}' is a queue consumer and scheduled: choose one`);
    }
    if (!isConsumer && definition.timeoutSeconds === undefined) {
      problems.push(`function '${definition.key}' needs timeoutSeconds (it is not a queue consumer)`);
    }
    if (isConsumer && definition.timeoutSeconds !== undefined) {
      problems.push(
        `function '${definition.key}' is a queue consumer: its timeout comes from its route, remove timeoutSeconds`,
      );
    }
    for (const name of Object.keys(definition.grants.workflows ?? {})) {
      if (!workflows.some((wf) => wf.name === name))
        problems.push(`function '${definition.key}' binds unknown workflow '${name}'`);
    }
    for (const table of Object.keys(definition.grants.tables ?? {})) {
      if (!(table in TABLES)) problems.push(`function '${definition.key}' binds unknown table '${table}'`);
    }
    for (const [table, operations] of Object.entries(definition.grants.tables ?? {})) {
      if (operations.length === 0)
        problems.push(`function '${definition.key}' binds table '${table}' for nothing`);
    }
  }
  for (const route of routes) {
    if (!keys.has(route.handler))
      problems.push(`route '${route.consumer}' handler '${route.handler}' is not in the catalog`);
  }
  for (const route of apiRoutes) {
    if (!keys.has(route.handler))
      problems.push(`API ${route.method} ${route.path} handler '${route.handler}' is not in the catalog`);
    // Vendors POST; the signature covers the raw body, so API Gateway must not validate or reshape it.
    if (route.access === 'signed-webhook' && (route.method !== 'POST' || route.requestModel))
      problems.push(`API ${route.method} ${route.path}: a signed webhook is a POST without a request model`);
  }
  const names = new Set<string>();
  for (const workflow of workflows) {
    if (names.has(workflow.name)) problems.push(`workflow '${workflow.name}' is in the catalog twice`);
    names.add(workflow.name);
    for (const key of workflow.functions) {
      if (!keys.has(key))
        problems.push(`workflow '${workflow.name}' invokes '${key}', which is not in the catalog`);
    }
    for (const name of workflow.starts ?? []) {
      if (!workflows.some((wf) => wf.name === name))
        problems.push(`workflow '${workflow.name}' starts unknown workflow '${name}'`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid Supplyline catalogs:\n- ${problems.join('\n- ')}`);
}
