import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { untilDrained, untilFinished } from '../../../domain/forecast-sync/snapshot-writer';

/** A sink that takes one byte at a time and holds each write until `release()`. */
function slowSink() {
  const pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      pending.push(() => callback());
    },
  });
  return { sink, release: () => pending.splice(0).forEach((done) => done()) };
}

describe('waiting for a byte sink', () => {
  it('resolves on drain and leaves no listener behind', async () => {
    // Prepare
    const { sink, release } = slowSink();
    expect(sink.write(Buffer.from('ab'))).toBe(false);
    // Act
    const drained = untilDrained(sink);
    release();
    // Assess
    await expect(drained).resolves.toBeUndefined();
    expect(sink.listenerCount('error')).toBe(0);
    expect(sink.listenerCount('drain')).toBe(0);
  });

  it('rejects a drain wait when the sink fails', async () => {
    const { sink } = slowSink();
    sink.write(Buffer.from('ab'));
    const drained = untilDrained(sink);
    sink.destroy(new Error('disk full'));
    await expect(drained).rejects.toThrow('disk full');
  });

  it('resolves once every byte is stored, and rejects a sink that closes before finishing', async () => {
    const stored = slowSink();
    const finished = untilFinished(stored.sink);
    stored.sink.write(Buffer.from('x'));
    stored.sink.end();
    stored.release();
    await expect(finished).resolves.toBeUndefined();

    const cut = slowSink();
    const premature = untilFinished(cut.sink);
    cut.sink.destroy();
    await expect(premature).rejects.toThrow(/premature close/);
  });
});
