/**
 * Where the local runtime's main thread spends its time under load (BENCH_LOAD_PROFILE=1 of
 * scripts/bench/local-load.ts): a CPU profile's samples charged to the local runtime's components.
 */
/**
 * Where a main-thread CPU sample is charged: the first frame up its stack that belongs to a
 * component (libraries such as ajv or level are charged to the component that called them).
 */
const COMPONENTS: readonly [string, RegExp][] = [
  [
    'DynamoDB stand-in (dynalite + level)',
    /node_modules\/(dynalite|[a-z-]*level[a-z-]*|lazy|big\.js|lock)\//,
  ],
  [
    'SQS stand-in (fauxqs + fastify)',
    /node_modules\/(fauxqs|fastify|@fastify|find-my-way|avvio|light-my-request)\//,
  ],
  [
    'Step Functions (engine + aws-local-stepfunctions + asl-validator)',
    /\/local\/stepfunctions\/|aws-local-stepfunctions|asl-validator/,
  ],
  ['EventBridge stand-in (local/eventbridge)', /\/local\/eventbridge\//],
  ['API Gateway stand-in', /\/local\/runtime\/api-gateway/],
  ['Lambda runner (worker messaging)', /\/local\/runtime\/lambda/],
  ['other local runtime (SQS pollers, JSON endpoints, dashboard)', /\/local\/(runtime|dashboard)\//],
  ['simulators (procurement, ERP, planning)', /\/local\/simulators\/|\/adapters\/erp\//],
  [
    'AWS SDK on the main thread (pollers, bus -> SQS targets)',
    /node_modules\/@(aws-sdk|smithy|aws-crypto)\//,
  ],
  ['this bench (warm-up, observers, scans)', /\/scripts\/bench\//],
];

/** A node of a V8 CPU profile, as much as the breakdown reads. */
export interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

/** Main-thread CPU by component, in % of the busy (non-idle) samples. */
export function breakdown(profile: { nodes: ProfileNode[]; samples?: number[] }): [string, number][] {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const componentOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = componentOf.get(id);
    if (known) return known;
    const { functionName } = byId.get(id)!.callFrame;
    let component: string | undefined;
    if (functionName === '(idle)' || functionName === '(program)') component = functionName;
    else if (functionName === '(garbage collector)') component = 'garbage collector';
    else {
      for (let at: number | undefined = id; at !== undefined && !component; at = parent.get(at)) {
        const url = byId.get(at)!.callFrame.url;
        component = COMPONENTS.find(([, pattern]) => pattern.test(url))?.[0];
      }
      // undici (fetch) without a caller is the load generator's HTTP client.
      component ??= /undici/.test(byId.get(id)!.callFrame.url)
        ? 'this bench (warm-up, observers, scans)'
        : 'unattributed (Node HTTP, streams, microtasks)';
    }
    componentOf.set(id, component);
    return component;
  };
  const counts = new Map<string, number>();
  const samples = profile.samples ?? [];
  for (const id of samples) counts.set(classify(id), (counts.get(classify(id)) ?? 0) + 1);
  const busy = samples.length - (counts.get('(idle)') ?? 0);
  return [...counts.entries()]
    .filter(([name]) => name !== '(idle)')
    .map(([name, count]): [string, number] => [name, Math.round((count / Math.max(1, busy)) * 1000) / 10])
    .sort((a, b) => b[1] - a[1]);
}
