/**
 * Child process of the EDI benchmark, so its peak RSS (ru_maxrss) is the measured work's alone:
 * receives one interchange file from disk through the streaming path (checked in a first read,
 * answered with a 997, mapped and published a batch at a time in a second read), as the
 * edi-inbound-interchange function does; with `whole`, through node-x12's whole-string path
 * instead, for comparison. Published events are counted and dropped, as EventBridge takes them
 * away from the function.
 */
import { createReadStream } from 'node:fs';
import { nodeX12Codec } from '../../adapters/edi/x12-codec';
import { streamingX12Codec } from '../../adapters/edi/x12-segment-reader';
import { receiveInterchange } from '../../domain/edi/inbound-interchange';
import { memoryInboundPorts } from '../../test/support/edi-memory';

const [file, path = 'stream'] = process.argv.slice(2) as [string, string?];
const started = process.cpuUsage();
const ports = memoryInboundPorts(() => new Date('2026-12-05T14:30:00Z'), []);
const key = 'inbound/acme-beverages/large-856.x12';
let published = 0;
const outcome = await receiveInterchange(key, {
  ...ports,
  codec: path === 'whole' ? nodeX12Codec : streamingX12Codec,
  mailbox: {
    ...ports.mailbox,
    file: () => ({ stream: () => createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 }) }),
  },
  publish: async (events) => void (published += events.length),
});
const cpu = process.cpuUsage(started);
console.log(
  JSON.stringify({
    outcome: outcome.outcome,
    sets: outcome.outcome === 'kept-for-a-person' ? 0 : outcome.groups.reduce((n, g) => n + g.received, 0),
    accepted: outcome.outcome === 'kept-for-a-person' ? '' : outcome.groups.map((g) => g.status).join(''),
    published,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
