import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPlanningSignature } from '../../../adapters/planning/signature';
import {
  FORECAST_EXPORT_HEADER,
  forecastExportChunks,
  PLANNING_MAX_BODY_BYTES,
  PlanningSimulator,
} from '../../../local/simulators/planning';
import { startWebhookReceiver } from './webhook-receiver';
import type { WebhookReceiver } from './webhook-receiver';

const SECRET = 'plan-current';
const PREVIOUS = 'plan-previous';

describe('planning simulator', () => {
  let sim: PlanningSimulator;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sim = await PlanningSimulator.start({
      subscriberUrl: receiver.url,
      secrets: [SECRET],
      retry: { maxRetries: 8, baseDelayMs: 2 },
      timeoutMs: 200,
    });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const verify = (header: unknown, raw: Buffer, secrets = [SECRET]) =>
    verifyPlanningSignature(header as string, raw, { secrets, now: new Date() });

  describe('webhook deliveries', () => {
    it('posts a signed forecast.exception with the documented headers and body', async () => {
      const { event, delivery } = sim.sendForecastException({
        exception: { sku: 'SKU-1', notes: 'Prévision ✓ 🚚' },
        plan: { version: 8 },
      });
      const [hook] = await receiver.waitFor(1);
      expect(hook!.headers['content-type']).toBe('application/json');
      expect(hook!.headers['x-planning-event']).toBe('forecast.exception');
      expect(hook!.headers['x-planning-delivery']).toBe(delivery.id);
      expect(hook!.headers['x-planning-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hook!.headers['x-planning-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(hook!.headers['x-planning-signature'], hook!.raw)).toEqual({ ok: true });
      expect(hook!.json).toEqual(event);
      expect(event).toMatchObject({
        event: 'forecast.exception',
        event_id: expect.stringMatching(/^fe_/),
        published_at: expect.stringMatching(/\+01:00$/),
        plan: { plan_id: 'CONSENSUS-2026W48', version: 8, cycle: 'weekly' },
        exception: {
          exception_id: 'EXC-88213',
          sku: 'SKU-1',
          site: 'DC-EAST-02',
          uom: 'CS',
          pack_size: 12,
          bucket: { start: '2026-12-07', end: '2026-12-13', granularity: 'week' },
          notes: 'Prévision ✓ 🚚',
        },
      });
    });

    it('signs with both secrets during rotation; either one verifies', async () => {
      sim.setSecrets([SECRET, PREVIOUS]);
      sim.sendForecastException();
      const [hook] = await receiver.waitFor(1);
      const header = hook!.headers['x-planning-signature'] as string;
      expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
      expect(verify(header, hook!.raw, [PREVIOUS])).toEqual({ ok: true });
      expect(verify(header, hook!.raw, [SECRET])).toEqual({ ok: true });
      expect(verify(header, hook!.raw, ['unrelated'])).toEqual({ ok: false, reason: 'mismatch' });
    });

    it('retries a non-2xx answer with the same delivery id, signing each attempt afresh', async () => {
      receiver.answer = (i) => (i < 2 ? 503 : 200);
      const { delivery } = sim.sendForecastException();
      // A rotation between attempts shows each attempt is signed when it is sent.
      await receiver.waitFor(1);
      sim.setSecrets([PREVIOUS]);
      const hooks = await receiver.waitFor(3);
      await sim.settle();
      expect(hooks.map((h) => h.answeredWith)).toEqual([503, 503, 200]);
      expect(new Set(hooks.map((h) => h.headers['x-planning-delivery']))).toEqual(new Set([delivery.id]));
      expect(verify(hooks[0]!.headers['x-planning-signature'], hooks[0]!.raw)).toEqual({ ok: true });
      expect(verify(hooks[2]!.headers['x-planning-signature'], hooks[2]!.raw, [PREVIOUS])).toEqual({
        ok: true,
      });
      expect(delivery.state).toBe('delivered');
    });

    it('stops after 8 retries', async () => {
      receiver.answer = () => 500;
      const { delivery } = sim.sendForecastException();
      await sim.settle();
      expect(receiver.received).toHaveLength(9);
      expect(delivery.state).toBe('failed');
      expect(delivery.attempts).toHaveLength(9);
    });

    it('treats no answer within the timeout as a failure and retries', async () => {
      receiver.answer = (i) => (i === 0 ? 'hang' : 200);
      const { delivery } = sim.sendForecastException();
      await sim.settle();
      expect(delivery.attempts.map((a) => a.status ?? a.error)).toEqual(['timeout', 200]);
      expect(delivery.state).toBe('delivered');
    });

    it('signs with its own clock: a skewed platform produces signatures receivers reject as expired', async () => {
      sim.advanceClock(-301_000);
      sim.sendForecastException();
      const [hook] = await receiver.waitFor(1);
      expect(verify(hook!.headers['x-planning-signature'], hook!.raw)).toEqual({
        ok: false,
        reason: 'expired',
      });
    });

    it('delivers at least once: duplicates carry the same event_id and their own delivery id', async () => {
      sim.setFaults({ duplicateDeliveryRate: 1 });
      sim.sendForecastException();
      const hooks = await receiver.waitFor(2);
      expect(hooks[0]!.json.event_id).toBe(hooks[1]!.json.event_id);
      expect(hooks[0]!.headers['x-planning-delivery']).not.toBe(hooks[1]!.headers['x-planning-delivery']);
      sim.setFaults({ duplicateDeliveryRate: 0 });
      sim.redeliver(sim.deliveries[0]!.id);
      expect((await receiver.waitFor(3))[2]!.json.event_id).toBe(hooks[0]!.json.event_id);
    });

    it('refuses a body over 262,144 bytes', () => {
      const notes = 'x'.repeat(PLANNING_MAX_BODY_BYTES);
      expect(() => sim.sendForecastException({ exception: { notes } })).toThrow(/262144/);
    });
  });

  describe('forecast.published and export files', () => {
    it('publishes a file whose location is a plain GET with the announced hash and row count', async () => {
      const csv = `${FORECAST_EXPORT_HEADER}\nSKU-10442,DC-EAST-02,2026-12-07,140,CS,12,7\nSKU-1,DC-WEST-01,2026-12-14,5.5,EA,6,7\n`;
      const { event } = await sim.publishForecast({ content: csv, plan: { version: 7 } });
      const [hook] = await receiver.waitFor(1);
      expect(hook!.headers['x-planning-event']).toBe('forecast.published');
      expect(verify(hook!.headers['x-planning-signature'], hook!.raw)).toEqual({ ok: true });
      expect(hook!.json).toEqual(event);
      expect(event.export).toEqual({
        format: 'csv',
        location: expect.stringContaining('/exports/'),
        rows: 2,
        sha256: createHash('sha256').update(csv).digest('hex'),
      });
      const res = await fetch(event.export.location);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(csv);
    });

    it('streams a generated export of many rows, with bad rows among them', async () => {
      const spec = { rows: 25_000, planVersion: 7, badRowEvery: 1000 };
      const file = await sim.publishExport(() => forecastExportChunks(spec));
      expect(file.rows).toBe(25_000);
      const text = await (await fetch(file.location)).text();
      expect(createHash('sha256').update(text).digest('hex')).toBe(file.sha256);
      const lines = text.split('\n');
      expect(lines[0]).toBe(FORECAST_EXPORT_HEADER);
      expect(lines).toHaveLength(25_002); // header + rows + the empty string after the last \n
      expect(lines[1]).toMatch(/^SKU-\d+,DC-[A-Z]+-\d+,\d{4}-\d\d-\d\d,\d+,(EA|CS|PAL),\d+,7$/);
      const bad = lines.slice(1, -1).filter((l) => /,BOX,|,-\d|2026-13-45/.test(l));
      expect(bad).toHaveLength(25);
    });

    it('refuses a tampered or expired pre-signed URL', async () => {
      const file = await sim.publishExport('a,b\n1,2\n');
      const tampered = file.location.replace(
        /signature=([0-9a-f])/,
        (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`,
      );
      expect((await fetch(tampered)).status).toBe(403);
      expect((await fetch(file.location.replace(/\?.*$/, ''))).status).toBe(403);
      sim.advanceClock(24 * 3600 * 1000 + 1000);
      expect((await fetch(file.location)).status).toBe(403);
    });

    it('serves export files to GET only; any other path or method is NoSuchKey', async () => {
      const file = await sim.publishExport('a,b\n1,2\n');
      const { pathname, search } = new URL(file.location);
      for (const [method, path] of [
        ['HEAD', `${pathname}${search}`],
        ['POST', `${pathname}${search}`],
        ['GET', `${pathname.replace('.csv', '.txt')}${search}`],
        ['GET', `${pathname.replace('/exports/', '/exports/x/')}${search}`],
        ['GET', `/exports/not-a-uuid.csv${search}`],
      ] as const) {
        const res = await fetch(`${sim.url}${path}`, { method });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
        if (method !== 'HEAD') expect(await res.text()).toBe('NoSuchKey');
      }
      expect((await fetch(file.location)).status).toBe(200);
      expect(sim.downloads.map((d) => d.status)).toEqual([404, 404, 404, 404, 404, 200]);
    });

    it('injects download errors, latency and truncation', async () => {
      const file = await sim.publishExport(() =>
        forecastExportChunks({ rows: 5000, planVersion: 7, linesPerChunk: 100 }),
      );
      sim.setFaults({ exportErrorRate: 1 });
      expect((await fetch(file.location)).status).toBe(503);
      sim.setFaults({ exportErrorRate: 0, exportLatencyMs: 120 });
      const started = performance.now();
      expect((await fetch(file.location)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      sim.setFaults({ exportLatencyMs: 0, exportTruncateRate: 1 });
      const cut = await fetch(file.location);
      expect(cut.status).toBe(200);
      await expect(cut.text()).rejects.toThrow();
      expect(sim.downloads.map((d) => d.status)).toEqual([503, 200, 200]);
    });
  });
});
