/** Finding a function or a queue in the model by any of the names people and templates use. */
import type { FunctionModel, QueueModel, TemplateModel } from './model';
import { functionNameOf } from './names';

/** Finds a function by physical name, ARN, logical id, construct id (`PlanningWebhook`) or key (`planning-webhook`). */
export function findFunction(model: Pick<TemplateModel, 'functions'>, id: string): FunctionModel | undefined {
  const name = functionNameOf(id);
  const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return (
    model.functions.find((f) => f.name === name || f.arn === id || f.logicalId === id) ??
    model.functions.find((f) => f.constructId === id || kebab(f.constructId) === id)
  );
}

/** Finds a queue by name, ARN, URL or logical id. */
export function findQueue(model: Pick<TemplateModel, 'queues'>, id: string): QueueModel | undefined {
  return model.queues.find((q) => q.name === id || q.arn === id || q.url === id || q.logicalId === id);
}
