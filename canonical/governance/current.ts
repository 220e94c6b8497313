/** The contracts as the schema source defines them now, and the released ones as committed. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Schema } from '../schemas/dsl';
import { contractDocuments, schemaDocument } from '../schemas/index';
import type { CurrentContract, ReleasedContracts } from './compatibility';

export function currentContracts(): CurrentContract[] {
  return contractDocuments().map((doc) => ({
    name: doc.name,
    document: schemaDocument(doc.name, doc.root),
    version: doc.event ? `${doc.event.major}.${doc.event.minor}` : (doc.version ?? '1.0'),
    ...(doc.event
      ? {
          eventType: doc.event.type,
          major: doc.event.major,
          ...(doc.event.sunset ? { sunset: doc.event.sunset } : {}),
        }
      : {}),
  }));
}

/** Reads canonical/released/: every `<name>.json` document and `manifest.json` versions. */
export function readReleasedContracts(releasedDir: string): ReleasedContracts {
  const documents: Record<string, Schema> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json') && path !== join(releasedDir, 'manifest.json')) {
        documents[relative(releasedDir, path).replace(/\.json$/, '')] = JSON.parse(
          readFileSync(path, 'utf8'),
        ) as Schema;
      }
    }
  };
  walk(releasedDir);
  const versions = JSON.parse(readFileSync(join(releasedDir, 'manifest.json'), 'utf8')) as Record<
    string,
    string
  >;
  return { documents, versions };
}
