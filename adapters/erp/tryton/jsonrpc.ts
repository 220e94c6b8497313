import { BusinessRejection, ContractViolation, TransientFailure } from '../../../domain/failures';
import { requestTimeoutMs, type TimeLeft } from '../../http/deadline';
import { outboundUrlProblem } from '../../../application/outbound';

/** The system name every failure from this client carries. */
export const ERP_SYSTEM = 'erp';

/** Where and as whom to reach one Tryton database (env: TRYTON_URL, TRYTON_DB, TRYTON_USER, TRYTON_PASSWORD). */
export interface TrytonConnection {
  /** Server root, e.g. `http://127.0.0.1:8000` (no database segment). */
  url: string;
  database: string;
  user: string;
  password: string;
  /** Per-call timeout; a timed-out call is a TransientFailure. @default 10000 */
  timeoutMs?: number;
  /** What the invocation has left for outbound calls: each call's timeout is cut to it. */
  timeLeftMs?: TimeLeft;
  /** Refuse a `url` that is not https:// (staging and prod: application/environments.ts). @default false */
  requireHttps?: boolean;
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A Tryton record as read over JSON-RPC. */
export type Row = Record<string, unknown> & { id: number };

/** Inactive records are hidden from searches unless asked for. */
export const ALL = { active_test: false };

/** A value of a dotted field read (`party.code` comes back as `{"party.": {"code": ...}}`). */
export function related(row: Row, field: string, subfield: string): unknown {
  const value = row[`${field}.`];
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[subfield] : undefined;
}

/** The id a reference field (`"<model>,<id>"`) holds when it points to a record of `model`. */
export function referenceId(value: unknown, model: string): number | undefined {
  if (typeof value !== 'string' || !value.startsWith(`${model},`)) return undefined;
  const id = value.slice(model.length + 1);
  return /^\d+$/.test(id) ? Number(id) : undefined;
}

/** A Tryton `Decimal` on the wire. Decimal fields reject JSON floats. */
export function trytonDecimal(value: string): { __class__: 'Decimal'; decimal: string } {
  if (!/^-?\d+(\.\d+)?$/.test(value)) {
    throw new ContractViolation(`not a decimal string: ${JSON.stringify(value)}`, ERP_SYSTEM);
  }
  return { __class__: 'Decimal', decimal: value };
}

/** A Tryton `date` on the wire, from `YYYY-MM-DD`. */
export function trytonDate(value: string): { __class__: 'date'; year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new ContractViolation(`not a YYYY-MM-DD date: ${JSON.stringify(value)}`, ERP_SYSTEM);
  return { __class__: 'date', year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

const pad = (n: unknown, width = 2): string => String(n).padStart(width, '0');

/** Decodes Tryton's tagged values: Decimal -> decimal string, date -> `YYYY-MM-DD`, datetime -> ISO (UTC, no zone). */
function reviveTagged(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('__class__' in value)) return value;
  const tagged = value as Record<string, unknown>;
  switch (tagged.__class__) {
    case 'Decimal':
      return String(tagged.decimal);
    case 'date':
      return `${pad(tagged.year, 4)}-${pad(tagged.month)}-${pad(tagged.day)}`;
    case 'datetime':
      return (
        `${pad(tagged.year, 4)}-${pad(tagged.month)}-${pad(tagged.day)}T` +
        `${pad(tagged.hour)}:${pad(tagged.minute)}:${pad(tagged.second)}`
      );
    default:
      return value;
  }
}

/** A Tryton domain, e.g. `[['code', '=', 'SKU-1']]`. */
export type Domain = unknown[];
/** Extra context merged over the user's preferences (company, language...). */
export type Context = Record<string, unknown>;

/**
 * Minimal JSON-RPC client for Tryton 6.0: logs in lazily, sends the session header and the user's
 * context (it holds `company`, without which creates fail the company rule) with every model call,
 * and turns every failure into one of the domain failure classes.
 */
export class TrytonRpc {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly root: string;
  private session: Promise<{ header: string; context: Context }> | undefined;
  private nextId = 1;

  constructor(private readonly connection: TrytonConnection) {
    const problem = connection.requireHttps ? outboundUrlProblem(connection.url, true) : undefined;
    if (problem) throw new Error(`ERP (Tryton) URL ${problem}`);
    this.fetchImpl = connection.fetch ?? globalThis.fetch;
    this.timeoutMs = connection.timeoutMs ?? 10_000;
    this.root = connection.url.replace(/\/+$/, '');
  }

  /** Server version; answers before login, so it doubles as a readiness probe. */
  async serverVersion(): Promise<string> {
    const version = await this.post(`${this.root}/`, 'common.server.version', [], undefined);
    if (typeof version !== 'string') throw shapeError('common.server.version', version);
    return version;
  }

  /**
   * Calls `method` with `params` plus the session context (merged with `context`) as last parameter.
   * A stale session (HTTP 401) triggers one fresh login and one retry: the call never ran.
   */
  async call<T = unknown>(method: string, params: unknown[], context: Context = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.login();
      try {
        return (await this.post(this.dbUrl(), method, [...params, { ...session.context, ...context }], {
          Authorization: session.header,
        })) as T;
      } catch (error) {
        if (attempt === 0 && error instanceof SessionExpired) {
          this.session = undefined;
          continue;
        }
        if (error instanceof SessionExpired) {
          throw new TransientFailure(`Tryton refused the session for ${method}`, ERP_SYSTEM);
        }
        throw error;
      }
    }
  }

  /** `model.<name>.search`. */
  search(model: string, domain: Domain, context?: Context, limit: number | null = null): Promise<number[]> {
    return this.call(`model.${model}.search`, [domain, 0, limit, null], context);
  }

  /** `model.<name>.search_read` (at most `limit` rows when given). */
  searchRead<R = Record<string, unknown>>(
    model: string,
    domain: Domain,
    fields: string[],
    context?: Context,
    order: [string, string][] | null = null,
    limit: number | null = null,
  ): Promise<R[]> {
    return this.call(`model.${model}.search_read`, [domain, 0, limit, order, fields], context);
  }

  /** `model.<name>.read`. */
  read<R = Record<string, unknown>>(
    model: string,
    ids: number[],
    fields: string[],
    context?: Context,
  ): Promise<R[]> {
    return this.call(`model.${model}.read`, [ids, fields], context);
  }

  /** `model.<name>.create`, returns the new ids. */
  create(model: string, values: Record<string, unknown>[], context?: Context): Promise<number[]> {
    return this.call(`model.${model}.create`, [values], context);
  }

  /** `model.<name>.write`. */
  async write(
    model: string,
    ids: number[],
    values: Record<string, unknown>,
    context?: Context,
  ): Promise<void> {
    await this.call(`model.${model}.write`, [ids, values], context);
  }

  /** A workflow button (`quote`, `confirm`...). Pressed in the wrong state it silently does nothing. */
  async button(model: string, name: string, ids: number[], context?: Context): Promise<void> {
    await this.call(`model.${model}.${name}`, [ids], context);
  }

  /**
   * Opens a wizard session; `execute(state, data)` answers what Tryton answers (the next view with
   * its `defaults`, or actions). Always `close()` it.
   */
  async openWizard(
    name: string,
    context?: Context,
  ): Promise<{
    execute(state: string, data: Record<string, unknown>): Promise<unknown>;
    close(): Promise<void>;
  }> {
    const created = await this.call<unknown[]>(`wizard.${name}.create`, [], context);
    const sessionId = created[0];
    if (typeof sessionId !== 'number') throw shapeError(`wizard.${name}.create`, created);
    return {
      execute: (state, data) => this.call(`wizard.${name}.execute`, [sessionId, data, state], context),
      close: async () => {
        await this.call(`wizard.${name}.delete`, [sessionId], context);
      },
    };
  }

  /** Forgets the session and context (e.g. after changing the user's company); the next call logs in again. */
  resetSession(): void {
    this.session = undefined;
  }

  private dbUrl(): string {
    return `${this.root}/${encodeURIComponent(this.connection.database)}/`;
  }

  private login(): Promise<{ header: string; context: Context }> {
    this.session ??= (async () => {
      const { user, password } = this.connection;
      const answer = await this.post(this.dbUrl(), 'common.db.login', [user, { password }, 'en'], undefined);
      if (!Array.isArray(answer) || typeof answer[0] !== 'number' || typeof answer[1] !== 'string') {
        throw shapeError('common.db.login', answer);
      }
      const header = `Session ${Buffer.from(`${user}:${answer[0]}:${answer[1]}`).toString('base64')}`;
      const preferences = await this.post(this.dbUrl(), 'model.res.user.get_preferences', [true, {}], {
        Authorization: header,
      });
      if (preferences === null || typeof preferences !== 'object') {
        throw shapeError('get_preferences', preferences);
      }
      return { header, context: preferences as Context };
    })().catch((error: unknown) => {
      this.session = undefined;
      throw error instanceof SessionExpired
        ? new TransientFailure(
            `Tryton login refused for user ${user(this.connection)} (check TRYTON_USER/TRYTON_PASSWORD)`,
            ERP_SYSTEM,
          )
        : error;
    });
    return this.session;
  }

  private async post(
    url: string,
    method: string,
    params: unknown[],
    headers: Record<string, string> | undefined,
  ): Promise<unknown> {
    const id = this.nextId++;
    const timeoutMs = requestTimeoutMs(
      ERP_SYSTEM,
      `Tryton ${method}`,
      this.timeoutMs,
      this.connection.timeLeftMs,
    );
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ id, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new TransientFailure(
          `Tryton ${method} timed out after ${timeoutMs} ms`,
          ERP_SYSTEM,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw new TransientFailure(
        `Tryton ${method} failed: ${(error as Error).message}`,
        ERP_SYSTEM,
        undefined,
        {
          cause: error,
        },
      );
    }
    if (response.status !== 200) throw httpError(method, response, text);
    let body: unknown;
    try {
      body = JSON.parse(text, reviveTagged);
    } catch {
      throw new ContractViolation(`Tryton ${method} answered 200 with a body that is not JSON`, ERP_SYSTEM, {
        method,
        body: text.slice(0, 200),
      });
    }
    if (body === null || typeof body !== 'object' || (body as { id?: unknown }).id !== id) {
      throw shapeError(method, body);
    }
    if ('error' in body) throw rpcError(method, (body as { error: unknown }).error);
    if (!('result' in body)) throw shapeError(method, body);
    return (body as { result: unknown }).result;
  }
}

const user = (c: TrytonConnection): string => JSON.stringify(c.user);

/** HTTP 401 on a model call: the session expired or was never valid. Internal to the client. */
class SessionExpired extends Error {}

function shapeError(method: string, value: unknown): ContractViolation {
  return new ContractViolation(`Tryton ${method} answered an unexpected shape`, ERP_SYSTEM, {
    method,
    answer: JSON.stringify(value)?.slice(0, 300),
  });
}

function httpError(method: string, response: Response, text: string): Error {
  const status = response.status;
  if (status === 401) return new SessionExpired(`HTTP 401 on ${method}`);
  if (status === 429 || status >= 500) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return new TransientFailure(
      `Tryton ${method} answered HTTP ${status}`,
      ERP_SYSTEM,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  // 404 on login: the database does not exist (yet); a configuration or start-up state, not our message.
  if (status === 404)
    return new TransientFailure(`Tryton ${method}: database not found (HTTP 404)`, ERP_SYSTEM);
  // 403 is Tryton's answer to a method it does not expose: a module or version mismatch.
  return new ContractViolation(`Tryton ${method} answered HTTP ${status}`, ERP_SYSTEM, {
    method,
    status,
    body: text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200),
  });
}

/** Maps the `error` member of a JSON-RPC answer (see tryton.md, "Errors and traps"). */
function rpcError(method: string, error: unknown): Error {
  if (!Array.isArray(error) || typeof error[0] !== 'string') return shapeError(method, { error });
  const [kind, args] = error as [string, unknown];
  const list = Array.isArray(args) ? args : [];
  switch (kind) {
    case 'UserError':
      // [message, description, domain]: the domain "extra" can be > 10 KB, keep it out.
      return new BusinessRejection('ERP_REJECTED', String(list[0] ?? 'Tryton UserError'), ERP_SYSTEM, {
        method,
        description: String(list[1] ?? '').slice(0, 500),
      });
    case 'UserWarning':
      return new BusinessRejection('ERP_WARNING', String(list[1] ?? 'Tryton UserWarning'), ERP_SYSTEM, {
        method,
        warning: list[0],
      });
    case 'ConcurrencyException':
      return new TransientFailure(`Tryton ${method}: ${String(args)}`, ERP_SYSTEM);
    case 'LoginException':
      return new TransientFailure(
        `Tryton ${method} asked for login parameter ${String(list[0])}`,
        ERP_SYSTEM,
      );
    default: {
      // Any other Python exception comes back as [str(exception), traceback].
      const traceback = typeof args === 'string' ? args : '';
      if (/database is locked|OperationalError/i.test(kind + traceback.slice(-500))) {
        return new TransientFailure(`Tryton ${method}: ${kind}`, ERP_SYSTEM);
      }
      return new ContractViolation(`Tryton ${method} raised ${kind.slice(0, 200)}`, ERP_SYSTEM, {
        method,
        traceback: traceback.slice(-1000),
      });
    }
  }
}
