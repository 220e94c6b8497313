/**
 * The EDI mailbox on the local runtime (dev synth): a partner's interchange written under
 * `inbound/<partner>/` reaches the edi-inbound-interchange function the way it does in AWS (S3's
 * Object Created event on the default bus, the route's rule, its queue, the event source mapping),
 * which answers with a 997 under `outbound/<partner>/`.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/runtime';
import { synthesizeDev } from '../../local/synth';
import { GUIDE_855, PARTNER, partnerInterchange } from '../fixtures/edi';

let runtime: LocalRuntime;
let s3: S3Client;
beforeAll(async () => {
  runtime = await startLocalRuntime({
    cdkOut: await synthesizeDev(),
    visibilityTimeoutSeconds: 1,
    pollWaitSeconds: 1,
    log: () => undefined,
    functionLogs: 'silent',
  });
  s3 = new S3Client({
    region: runtime.model.region,
    endpoint: runtime.endpoints.sqs,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
});

describe('EDI mailbox on the local runtime', () => {
  it('answers a partner 855 written to its inbound folder with a 997 in its outbound folder', async () => {
    const Bucket = runtime.model.buckets.find((b) => b.constructId === 'EdiMailboxBucket')!.name;
    const inbound = `inbound/${PARTNER.partnerId}/e2e-855.x12`;
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: inbound,
        Body: partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]),
      }),
    );
    const acknowledgements = async () =>
      (
        (await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `outbound/${PARTNER.partnerId}/` })))
          .Contents ?? []
      )
        .map((o) => o.Key!)
        .filter((key) => key.endsWith('-997.x12'));
    await expect.poll(acknowledgements, { timeout: 60_000, interval: 500 }).toHaveLength(1);
    const [key] = await acknowledgements();
    const text = await (await s3.send(new GetObjectCommand({ Bucket, Key: key }))).Body!.transformToString();
    expect(text).toContain('AK1*PR*55~');
    expect(text).toContain('AK2*855*0101~\nAK5*A~');
  });
});
