import { describe, expect, it } from 'vitest';
import { RoutingTable } from '../../../local/simulators/routing';

describe('simulator routing table', () => {
  const table = new RoutingTable<string>([
    { method: 'GET', pattern: '/orders', handler: 'list' },
    { method: 'POST', pattern: '/orders', handler: 'create' },
    { method: 'GET', pattern: '/orders/:id', handler: 'read' },
    { method: 'POST', pattern: '/orders/:id/cancel', handler: 'cancel' },
    { method: 'GET', pattern: '/files/:name.csv', handler: 'file' },
  ]);

  it('finds the route of a method and path, with its parameters', () => {
    expect(table.match('GET', '/orders')).toEqual({ kind: 'found', handler: 'list', params: {} });
    expect(table.match('POST', '/orders')).toEqual({ kind: 'found', handler: 'create', params: {} });
    expect(table.match('GET', '/orders/PO-1')).toEqual({
      kind: 'found',
      handler: 'read',
      params: { id: 'PO-1' },
    });
    expect(table.match('POST', '/orders/PO-1/cancel')).toEqual({
      kind: 'found',
      handler: 'cancel',
      params: { id: 'PO-1' },
    });
    expect(table.match('GET', '/files/a.b.csv')).toEqual({
      kind: 'found',
      handler: 'file',
      params: { name: 'a.b' },
    });
  });

  it('tells a known path with another method from an unknown path', () => {
    expect(table.match('DELETE', '/orders')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET', 'POST'],
    });
    expect(table.match('GET', '/orders/PO-1/cancel')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST'],
    });
    expect(table.match('GET', '/nothing')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/orders/PO-1/cancel/again')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/files/a.txt')).toEqual({ kind: 'not-found' });
  });

  it('a parameter never matches an empty segment', () => {
    expect(table.match('POST', '/orders//cancel')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/files/.csv')).toEqual({ kind: 'not-found' });
  });

  it('matches paths as sent unless told to percent-decode segments', () => {
    expect(table.match('GET', '/orders/PO%2F1')).toMatchObject({ params: { id: 'PO%2F1' } });
    expect(table.match('GET', '/%6Frders')).toEqual({ kind: 'not-found' });
    const decoding = new RoutingTable([{ method: 'GET', pattern: '/orders/:id', handler: 'read' }], {
      decodeSegments: true,
    });
    expect(decoding.match('GET', '/orders/PO%2F1')).toMatchObject({ params: { id: 'PO/1' } });
    expect(decoding.match('GET', '/%6Frders/1')).toMatchObject({ kind: 'found' });
    expect(() => decoding.match('GET', '/orders/%E0')).toThrow(URIError);
  });

  it('escapes the literal parts of a pattern', () => {
    const literal = new RoutingTable([{ method: 'GET', pattern: '/a.b/(x)', handler: 'h' }]);
    expect(literal.match('GET', '/a.b/(x)')).toMatchObject({ kind: 'found' });
    expect(literal.match('GET', '/aXb/(x)')).toEqual({ kind: 'not-found' });
  });
});
