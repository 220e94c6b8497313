/** {@link ScratchStorage} on local disk: one private temporary directory per run. */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ScratchAppender,
  ScratchArea,
  ScratchReader,
  ScratchStorage,
} from '../../domain/ports/scratch-storage';

/** Scratch areas as directories under `dir`. */
export class LocalScratchStorage implements ScratchStorage {
  /** @param dir where the areas' directories go. @default os.tmpdir() */
  constructor(private readonly dir: string = tmpdir()) {}

  createArea(): ScratchArea {
    return new LocalScratchArea(mkdtempSync(join(this.dir, 'forecast-sync-')));
  }
}

class LocalScratchArea implements ScratchArea {
  constructor(private readonly path: string) {}

  append(name: string): ScratchAppender {
    const fd = openSync(join(this.path, name), 'w');
    return {
      write: (bytes, offset, length) => writeSync(fd, bytes, offset, length),
      close: () => closeSync(fd),
    };
  }

  read(name: string): ScratchReader {
    const fd = openSync(join(this.path, name), 'r');
    return {
      read: (into, offset, length) => readSync(fd, into, offset, length, null),
      close: () => closeSync(fd),
    };
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
