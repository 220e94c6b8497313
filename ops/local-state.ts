/**
 * The small state file a running local runtime leaves for the operations CLI (`--local`): where
 * its stand-ins listen, the API and its key, and which synthesized template it runs. The CLI
 * builds the same SDK clients as against AWS, only with these endpoints.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Default location, relative to the repository root. */
export const LOCAL_STATE_FILE = join(resolve(import.meta.dirname, '..'), '.tmp', 'local-runtime.json');

/** What the state file holds. */
export interface LocalRuntimeState {
  pid: number;
  startedAt: string;
  stackName: string;
  region: string;
  /** The cloud assembly the runtime runs (the CLI reads the template model from it). */
  cdkOut: string;
  /** `http://127.0.0.1:<port>` (routes are `<apiBaseUrl>/v1/...`). */
  apiBaseUrl: string;
  apiKey: string;
  endpoints: {
    sqs: string;
    dynamodb: string;
    eventbridge: string;
    stepfunctions: string;
    secretsmanager: string;
    cloudwatch?: string;
    /** The AWS_ENDPOINT_URL_S3 the functions get (`http://s3.localhost:<port>`, fauxqs's S3). */
    s3?: string;
  };
  /** Base of the local queue URLs (`http://sqs.<region>.localhost:<port>`). */
  queueBaseUrl: string;
  dashboardUrl?: string;
  /**
   * The issuer of access tokens and, with the local provider, its demo applications' client
   * credentials (secrets made per run; `ops-cli` is the CLI's own).
   */
  identity?: {
    issuer: string;
    applications?: Record<string, { clientId: string; clientSecret: string }>;
  };
}

/** Writes the file atomically (a reader never sees half of it). */
export function writeLocalRuntimeState(state: LocalRuntimeState, path = LOCAL_STATE_FILE): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  renameSync(temp, path);
}

/** Removes the file if it is still this process's. */
export function removeLocalRuntimeState(path = LOCAL_STATE_FILE): void {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as LocalRuntimeState;
    if (state.pid === process.pid) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing to clean up.
  }
}

/** Reads the file; says how to start the runtime when there is none or its process is gone. */
export function readLocalRuntimeState(path = LOCAL_STATE_FILE): LocalRuntimeState {
  if (!existsSync(path))
    throw new Error(`no local runtime state at ${path}: start the local runtime first (npm start)`);
  const state = JSON.parse(readFileSync(path, 'utf8')) as LocalRuntimeState;
  try {
    process.kill(state.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH')
      throw new Error(
        `the local runtime in ${path} (pid ${state.pid}) is not running: start it with npm start`,
      );
  }
  return state;
}
