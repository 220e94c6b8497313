/**
 * The function bench's peers (scripts/bench/functions.ts) hold the libraries a function cannot do
 * without: its SDK clients and, for the API authorizer, the access-token verifier.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peerBundle, peerLibrariesOf } from '../../scripts/bench/functions';
import { bundleLikeLambda } from '../../scripts/bench/harness';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bench-functions-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sourcesOf = (bundle: string) =>
  (JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] }).sources;

describe('function bench peers', () => {
  it('gives the authorizer a peer that verifies tokens with the same library', async () => {
    const authorizer = await bundleLikeLambda(
      resolve(ROOT, 'functions/api/authorizer.ts'),
      join(dir, 'authorizer.mjs'),
    );
    const libraries = peerLibrariesOf(authorizer);
    expect(libraries).toEqual({ clients: [], tokenVerifier: true });
    const peer = await peerBundle(libraries, dir, new Map());
    expect(sourcesOf(peer).some((source) => source.includes('node_modules/aws-jwt-verify/'))).toBe(true);
  });

  it('gives a function that verifies no token a peer of its SDK clients and a logger only', async () => {
    const audit = await bundleLikeLambda(
      resolve(ROOT, 'functions/api/approval-audit.ts'),
      join(dir, 'approval-audit.mjs'),
    );
    const libraries = peerLibrariesOf(audit);
    expect(libraries.tokenVerifier).toBe(false);
    expect(libraries.clients).toContain('client-s3');
    const peer = await peerBundle(libraries, dir, new Map());
    expect(sourcesOf(peer).some((source) => source.includes('node_modules/aws-jwt-verify/'))).toBe(false);
    expect(sourcesOf(peer).some((source) => source.includes('node_modules/@aws-sdk/client-s3/'))).toBe(true);
  });
});
