/**
 * Where the external systems may be reached from: plain data and checks with no imports, so the
 * HTTP clients can carry them into every function bundle for nothing. The environment names are
 * those of application/environments.ts, which validates its configuration with the same checks.
 */
import type { EnvironmentName } from './environments';

/**
 * Environments whose calls to the ERP and the procurement platform must use HTTPS: credentials
 * and purchase orders cross networks we do not own. dev (and the local runtime, which runs dev)
 * may use plain HTTP to simulators and sandboxes.
 */
export const HTTPS_REQUIRED: Readonly<Record<EnvironmentName, boolean>> = {
  dev: false,
  staging: true,
  prod: true,
};

/**
 * True when `environment` (SUPPLYLINE_ENVIRONMENT, which the stack sets on every function)
 * requires HTTPS; a name that is no environment does. Unset (tests composing a handler by hand)
 * leaves it to the synth-time validation.
 */
export function httpsRequiredIn(environment: string | undefined): boolean {
  if (environment === undefined || environment === '') return false;
  return Object.hasOwn(HTTPS_REQUIRED, environment) ? HTTPS_REQUIRED[environment as EnvironmentName] : true;
}

/**
 * Why `url` may not locate an external system, or undefined when it may: an http(s) URL with a
 * host, and https when `requireHttps`. The config validation and the HTTP clients share it.
 */
export function outboundUrlProblem(url: string, requireHttps: boolean): string | undefined {
  if (!/^https?:\/\/[^\s/]+/.test(url)) return `'${url}' is not an http(s) URL`;
  if (requireHttps && !url.startsWith('https://')) return `'${url}' must be https:// in this environment`;
  return undefined;
}
