import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import { SYSTEM_PYTHON, TRYTOND } from './install';

/** Credentials of the administrator of every database these scripts create (test-only secret). */
export const TRYTON_ADMIN = {
  user: 'admin',
  password: 'supplyline-admin',
  email: 'admin@example.com',
} as const;

/** A running trytond. */
export interface TrytondProcess {
  url: string;
  pid: number;
  logPath: string;
  /** Lines of the log at level CRITICAL (post-commit failures only show there). */
  criticalLines(): string[];
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/**
 * Writes a trytond.conf for a SQLite database directory and a loopback port. `queueWorker`: tasks go
 * to Tryton's worker queue instead of running after each commit, as in a production Tryton with
 * `trytond-worker` (a confirmed purchase then waits out the purchase configuration's grace period).
 */
export function writeTrytondConf(
  confPath: string,
  dbDir: string,
  port: number,
  options: { queueWorker?: boolean } = {},
): void {
  writeFileSync(
    confPath,
    [
      '[database]',
      'uri = sqlite://',
      `path = ${dbDir}`,
      // SQLite serialises writers; let trytond retry a locked database a few more times.
      'retry = 10',
      '[web]',
      `listen = 127.0.0.1:${port}`,
      ...(options.queueWorker ? ['[queue]', 'worker = True'] : []),
      '',
    ].join('\n'),
  );
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

// Exec trytond with PR_SET_PDEATHSIG so it dies with the Node process that started it, even on a crash.
const EXEC_WITH_PARENT_DEATH_SIGNAL =
  "import ctypes,os,signal,sys; ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM); os.execv(sys.argv[1], sys.argv[1:])";

/**
 * Starts trytond on `<dbDir>/<database>.sqlite` on a free loopback port and waits until
 * `common.server.version` answers (the pool is loaded before it listens, so the first call is fast).
 */
export async function startTrytond(options: {
  dbDir: string;
  database: string;
  logPath: string;
  startTimeoutMs?: number;
  queueWorker?: boolean;
}): Promise<TrytondProcess> {
  let lastError: unknown;
  // The port can be taken between freePort() and bind(): try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const confPath = join(options.dbDir, `trytond-${port}.conf`);
    writeTrytondConf(confPath, options.dbDir, port, { queueWorker: options.queueWorker });
    const logFd = openSync(options.logPath, 'a');
    const child = spawn(
      SYSTEM_PYTHON,
      ['-c', EXEC_WITH_PARENT_DEATH_SIGNAL, TRYTOND, '-c', confPath, '-d', options.database],
      { stdio: ['ignore', logFd, logFd], env: { ...process.env, TRYTOND_CONFIG: confPath } },
    );
    closeSync(logFd);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(url, child, options.startTimeoutMs ?? 60_000, options.logPath);
      return handle(url, child, options.logPath);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      if (!/Address already in use/.test(readLog(options.logPath))) break;
    }
  }
  throw lastError;
}

function readLog(logPath: string): string {
  try {
    return readFileSync(logPath, 'utf8');
  } catch {
    return '';
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number, logPath: string) {
  const rpc = new TrytonRpc({ url, database: '', user: '', password: '', timeoutMs: 2_000 });
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) {
      throw new Error(
        `trytond exited with code ${exited} before answering; log ${logPath}:\n${readLog(logPath).slice(-2000)}`,
      );
    }
    try {
      await rpc.serverVersion();
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`trytond did not answer on ${url} within ${timeoutMs} ms; log ${logPath}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function handle(url: string, child: ChildProcess, logPath: string): TrytondProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    pid: child.pid ?? -1,
    logPath,
    criticalLines: () =>
      readLog(logPath)
        .split('\n')
        .filter((line) => / CRITICAL /.test(line)),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
