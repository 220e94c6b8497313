import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKETS, pascalCase, type BucketKey, type BucketSpec } from '../../application/resources';

/** A bucket with the environment variable that carries its name. */
export interface BindableBucket {
  readonly bucket: s3.Bucket;
  readonly envVar: string;
}

/** Properties of {@link DataBuckets}. */
export interface DataBucketsProps {
  /** RETAIN (prod) or DESTROY (dev; the bucket must be emptied first). */
  readonly retainData: boolean;
  /** The customer-managed key of the application buckets. */
  readonly encryptionKey: kms.IKey;
  /** @default BUCKETS from application/resources.ts */
  readonly specs?: Readonly<Record<BucketKey, BucketSpec>>;
  /** Buckets that send `Object Created` events to EventBridge (a consumer route listens). @default none */
  readonly objectEvents?: readonly BucketKey[];
}

/**
 * The application's S3 buckets, built from the bucket specs: SSE-KMS with the customer-managed
 * data key (the access log bucket: SSE-S3, the only encryption log delivery takes), TLS only, all
 * public access blocked, owner-enforced objects, versioning, lifecycle per spec (expiring prefixes,
 * old versions, abandoned multipart uploads), and server access logs to one shared log bucket.
 */
export class DataBuckets extends Construct {
  public readonly buckets: Readonly<Record<BucketKey, BindableBucket>>;
  /** Where every bucket's server access logs go. */
  public readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketsProps) {
    super(scope, id);
    const specs = props.specs ?? BUCKETS;
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const secure = {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    } as const;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      // S3 server access logging delivers only to buckets with SSE-S3 (not SSE-KMS); the logs hold
      // request lines, no business data.
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the application buckets; logging it to itself would loop, ' +
        'and to another bucket only move the question.',
    });

    const built = {} as Record<BucketKey, BindableBucket>;
    for (const [key, spec] of Object.entries(specs) as [BucketKey, BucketSpec][]) {
      const bucket = new s3.Bucket(this, `${pascalCase(key)}Bucket`, {
        ...secure,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.encryptionKey,
        // One data key per bucket for a while instead of a KMS call per object.
        bucketKeyEnabled: true,
        versioned: true,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `${key}/`,
        ...writeOnce(spec, props.retainData),
        lifecycleRules: [
          ...Object.entries(spec.expiringPrefixes).map(([prefix, days]) => ({
            id: `expire-${prefix.replace(/[^A-Za-z0-9]+/g, '')}`,
            prefix,
            expiration: Duration.days(days),
          })),
          {
            id: 'old-versions-and-abandoned-uploads',
            noncurrentVersionExpiration: Duration.days(spec.noncurrentVersionDays),
            abortIncompleteMultipartUploadAfter: Duration.days(1),
            expiredObjectDeleteMarker: true,
          },
        ],
      });
      if (props.objectEvents?.includes(key)) {
        // Native CloudFormation, not the `eventBridgeEnabled` prop's custom-resource Lambda.
        (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
          eventBridgeConfiguration: { eventBridgeEnabled: true },
        };
      }
      if (spec.writeOnceDays !== undefined) {
        // Object Lock stops deleting a locked version; this also stops delete markers that would
        // hide a decision from listings. Tearing down dev means removing this statement first.
        bucket.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'AuditTrailIsWriteOnce',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
            resources: [bucket.bucketArn, bucket.arnForObjects('*')],
          }),
        );
      }
      built[key] = { bucket, envVar: spec.envVar };
    }
    this.buckets = built;
  }
}

/**
 * Object Lock for a write-once bucket: COMPLIANCE where data is retained (prod: nobody, root
 * included, can shorten it), GOVERNANCE elsewhere (dev stacks are torn down; a principal with
 * s3:BypassGovernanceRetention can still empty them, which COMPLIANCE would forbid for 7 years).
 */
function writeOnce(spec: BucketSpec, retainData: boolean): Partial<s3.BucketProps> {
  if (spec.writeOnceDays === undefined) return {};
  const days = Duration.days(spec.writeOnceDays);
  return {
    objectLockEnabled: true,
    objectLockDefaultRetention: retainData
      ? s3.ObjectLockRetention.compliance(days)
      : s3.ObjectLockRetention.governance(days),
  };
}
