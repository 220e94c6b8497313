/**
 * One Lambda execution environment of the local runtime: a worker thread with its own
 * `process.env` that imports the function's BUNDLED asset on the first invocation (the INIT
 * phase) and keeps it, and its module state, for the next ones (a warm Lambda).
 * Plain JavaScript: workers run without the TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, URL } from 'node:url';
import process from 'node:process';
import dns from 'node:dns';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { Buffer } from 'node:buffer';
import { setTimeout, clearTimeout } from 'node:timers';

const { assetDir, handler: handlerSetting, nice } = workerData;
let handlerPromise;

// This thread's own priority (setpriority on a thread id affects that thread only, on Linux). Set
// once, at start: going back to 0 would need privileges. Elsewhere the default applies.
if (nice) {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch {
    // Not Linux: every worker runs at the default priority.
  }
}

// Local endpoint names resolve to the loopback, whatever the system resolver says: fauxqs queue
// URLs use `sqs.<region>.localhost` (the SQS client sends to the queue URL's host), and the SFN
// client sends StartSyncExecution to `sync-<endpoint host>`. No other name is affected.
const lookup = dns.lookup;
dns.lookup = (hostname, options, callback) => {
  const local =
    typeof hostname === 'string' &&
    (hostname === 'localhost' ||
      hostname.endsWith('.localhost') ||
      /^sync-(127\.0\.0\.1|localhost)$/.test(hostname));
  return lookup.call(dns, local ? '127.0.0.1' : hostname, options, callback);
};

// Fault drills (LambdaRunner.injectFault): the invocation's first request to one stand-in's endpoint
// either ends this execution environment (`exit`: the function dies there, as a Lambda killed by a
// timeout or a crash) or is sent to a closed port (`fail`: the service is unreachable). The handler
// runs unchanged; nothing happens when no fault is armed for the invocation.
let fault;
const request = http.request;
http.request = function (...args) {
  const [target] = args;
  if (fault && target && typeof target === 'object' && !(target instanceof URL)) {
    // The SDK's HTTP handler passes `host` (Node accepts `hostname` too).
    const host = target.hostname ?? target.host;
    if (host === fault.hostname && String(target.port ?? '') === fault.port) {
      if (fault.action === 'exit') process.exit(fault.exitCode);
      args[0] = { ...target, host: '127.0.0.1', hostname: '127.0.0.1', port: 9 };
    }
  }
  return request.apply(this, args);
};
syncBuiltinESMExports();

// Log lines travel with the invocation's result: a worker's stdio stream costs the main thread a
// message per write plus a flow-control message back, for every log line of every function.
// Writes outside an invocation (or in a long one) are sent within 100 ms.
const logs = { stdout: [], stderr: [] };
let logTimer;
for (const name of ['stdout', 'stderr']) {
  process[name].write = (chunk, encoding, callback) => {
    logs[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    logTimer ??= setTimeout(() => {
      const taken = takeLogs();
      if (taken) parentPort.postMessage({ type: 'logs', logs: taken });
    }, 100);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}

function takeLogs() {
  clearTimeout(logTimer);
  logTimer = undefined;
  if (logs.stdout.length === 0 && logs.stderr.length === 0) return undefined;
  const taken = { stdout: logs.stdout.join(''), stderr: logs.stderr.join('') };
  logs.stdout = [];
  logs.stderr = [];
  return taken;
}

function serializeError(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType:
        error.name && error.name !== 'Error' ? error.name : (error.constructor?.name ?? fallbackType),
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error), trace: [] };
}

/** Loads `<file>.<export>` from the asset like the Node.js runtime (index.mjs, .js or .cjs). */
async function loadHandler() {
  const dot = handlerSetting.lastIndexOf('.');
  const moduleName = handlerSetting.slice(0, dot);
  const exportPath = handlerSetting.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs']
    .map((extension) => join(assetDir, `${moduleName}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}' in ${assetDir}`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const module = await import(pathToFileURL(file).href);
  const handler = exportPath.split('.').reduce((value, key) => value?.[key], module);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

function lambdaContext(context) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: String(context.memoryLimitInMB),
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(handler, event, context) {
  if (handler.length >= 3) {
    // Callback-style handler.
    return new Promise((resolve, reject) => {
      const maybePromise = handler(event, context, (error, result) =>
        error ? reject(error) : resolve(result),
      );
      if (maybePromise && typeof maybePromise.then === 'function') maybePromise.then(resolve, reject);
    });
  }
  return handler(event, context);
}

parentPort.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, payload, context } = message;
  process.env._X_AMZN_TRACE_ID = context.traceId;
  fault = message.fault;
  let handler;
  try {
    handlerPromise ??= loadHandler();
    handler = await handlerPromise;
  } catch (error) {
    // A failed INIT is retried on the next invocation, as Lambda does with a fresh environment.
    handlerPromise = undefined;
    parentPort.postMessage({
      type: 'result',
      id,
      ok: false,
      error: serializeError(error, 'Runtime.InitError'),
      logs: takeLogs(),
    });
    return;
  }
  try {
    const result = await invoke(handler, JSON.parse(payload), lambdaContext(context)).finally(
      () => (fault = undefined),
    );
    // Lambda answers with the JSON of the result: Dates become strings, undefined becomes null.
    const json = result === undefined ? 'null' : JSON.stringify(result);
    parentPort.postMessage({ type: 'result', id, ok: true, payload: json ?? 'null', logs: takeLogs() });
  } catch (error) {
    parentPort.postMessage({
      type: 'result',
      id,
      ok: false,
      error: serializeError(error, 'Error'),
      logs: takeLogs(),
    });
  }
});
