/**
 * {@link SnapshotStore} on a local directory: `<root>/<plan>/v<version>/p<partition>.bin` and
 * `<root>/<plan>/latest.json`, replaced atomically by rename.
 *
 * Used by the local runtime, tests and benchmarks; Lambda uses `adapters/aws/s3-snapshot-store.ts`.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { TransientFailure } from '../../domain/failures';
import type { SnapshotManifest, SnapshotStore } from '../../domain/ports/snapshot-store';

export class FsSnapshotStore implements SnapshotStore {
  constructor(private readonly root: string) {}

  async latest(planId: string): Promise<SnapshotManifest | undefined> {
    try {
      return JSON.parse(await readFile(this.latestPath(planId), 'utf8')) as SnapshotManifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  readPartition(planId: string, version: number, partition: number): Readable {
    return createReadStream(this.partitionPath(planId, version, partition));
  }

  writePartition(planId: string, version: number, partition: number): Writable {
    mkdirSync(this.versionDir(planId, version), { recursive: true });
    return createWriteStream(this.partitionPath(planId, version, partition));
  }

  async commit(manifest: SnapshotManifest, expectedPreviousVersion: number | undefined): Promise<void> {
    // Check-then-rename is enough locally; the S3 implementation uses a conditional put (If-Match).
    const current = await this.latest(manifest.planId);
    if (current?.version !== expectedPreviousVersion) {
      throw new TransientFailure(
        `plan ${manifest.planId}: latest version is ${current?.version ?? 'none'}, expected ${expectedPreviousVersion ?? 'none'} (concurrent run?)`,
        'planning',
      );
    }
    await mkdir(this.planDir(manifest.planId), { recursive: true });
    const temporary = `${this.latestPath(manifest.planId)}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(manifest));
    await rename(temporary, this.latestPath(manifest.planId));
  }

  async discard(planId: string, version: number): Promise<void> {
    await rm(this.versionDir(planId, version), { recursive: true, force: true });
  }

  private planDir(planId: string): string {
    return join(this.root, encodeURIComponent(planId));
  }

  private latestPath(planId: string): string {
    return join(this.planDir(planId), 'latest.json');
  }

  private versionDir(planId: string, version: number): string {
    return join(this.planDir(planId), `v${version}`);
  }

  private partitionPath(planId: string, version: number, partition: number): string {
    return join(this.versionDir(planId, version), `p${partition}.bin`);
  }
}
