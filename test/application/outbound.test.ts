/**
 * Staging and prod reach the ERP and the procurement platform over HTTPS only: the configuration
 * refuses http:// there at synth, and the HTTP clients refuse it when their environment says so.
 */
import { describe, expect, it } from 'vitest';
import { loadEnvironmentConfig } from '../../application/environments';
import { httpsRequiredIn } from '../../application/outbound';
import { ProcurementClient } from '../../adapters/procurement/client';
import { RpcErp } from '../../adapters/erp/rpc/rpc-erp';
import { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';

const plain = { procurementBaseUrl: 'http://procurement.acme.example', erpBaseUrl: 'http://10.0.4.20:8000' };
const context = (values: Record<string, string>) => ({ context: (key: string) => values[key] });

describe('outbound HTTPS', () => {
  it.each(['staging', 'prod'])(
    '%s refuses http:// for the ERP and the procurement platform, naming both',
    (env) => {
      expect(() => loadEnvironmentConfig(env, context(plain))).toThrow(
        /systems\.procurementBaseUrl 'http:\/\/procurement\.acme\.example' must be https:\/\/[\s\S]*systems\.erpBaseUrl 'http:\/\/10\.0\.4\.20:8000' must be https:\/\//,
      );
      const secure = loadEnvironmentConfig(
        env,
        context({
          procurementBaseUrl: 'https://procurement.acme.example',
          erpBaseUrl: 'https://erp.acme.example',
        }),
      );
      expect(secure.systems.erpBaseUrl).toBe('https://erp.acme.example');
    },
  );

  it('lets dev use plain HTTP (sandboxes, simulators, the local runtime)', () => {
    expect(loadEnvironmentConfig('dev', context(plain)).systems).toMatchObject(plain);
  });

  it('requires HTTPS where the function’s environment does, and for a name that is no environment', () => {
    expect(httpsRequiredIn('prod')).toBe(true);
    expect(httpsRequiredIn('staging')).toBe(true);
    expect(httpsRequiredIn('dev')).toBe(false);
    expect(httpsRequiredIn('production')).toBe(true);
  });

  it('has every HTTP client refuse a plain-HTTP system when HTTPS is required, before any call', () => {
    const credentials = { clientId: 'c', clientSecret: 's' };
    const fetch = () => Promise.reject(new Error('no call may be made'));
    expect(
      () =>
        new ProcurementClient({ baseUrl: plain.procurementBaseUrl, credentials, requireHttps: true, fetch }),
    ).toThrow(/procurement platform base URL 'http:\/\/procurement\.acme\.example' must be https:\/\//);
    expect(() => new RpcErp(plain.erpBaseUrl, { requireHttps: true })).toThrow(
      /ERP RPC base URL .* must be https/,
    );
    expect(
      () =>
        new TrytonErp({
          url: plain.erpBaseUrl,
          database: 'd',
          user: 'u',
          password: 'p',
          requireHttps: true,
          fetch,
        }),
    ).toThrow(/ERP \(Tryton\) URL .* must be https/);
  });

  it('lets the clients use HTTPS when required, and HTTP when not', () => {
    const credentials = { clientId: 'c', clientSecret: 's' };
    expect(
      () =>
        new ProcurementClient({
          baseUrl: 'https://procurement.acme.example',
          credentials,
          requireHttps: true,
        }),
    ).not.toThrow();
    expect(() => new RpcErp('https://erp.acme.example', { requireHttps: true })).not.toThrow();
    expect(() => new ProcurementClient({ baseUrl: plain.procurementBaseUrl, credentials })).not.toThrow();
    expect(
      () => new TrytonErp({ url: plain.erpBaseUrl, database: 'd', user: 'u', password: 'p' }),
    ).not.toThrow();
  });
});
