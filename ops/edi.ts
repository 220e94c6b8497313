/**
 * EDI input refused as malformed, for an operator: each inbound file the product could not take
 * whole (no readable ISA, an unknown sender, a wrong envelope, a rejected group or set) stays in
 * `inbound/<partner>/` unchanged and is named by an integration exception with its reason
 * (domain/edi/exceptions.ts). `edi rejected` lists those files from the exceptions table, so the
 * list is the same against AWS and the local runtime, and the same the dashboard shows.
 *
 * In AWS the operator needs `dynamodb:Query` on the integration exceptions table's `byStatus` index.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IntegrationExceptionStore } from '../adapters/aws/integration-exceptions';
import { REJECTED_INPUT_CODES, rejectedEdiFile, type RejectedEdiFile } from '../domain/edi/exceptions';
import { isExceptionStatus, type ExceptionStatus } from '../domain/integration-exceptions';
import type { OpsContext } from './context';
import { table, when } from './format';

/** What the EDI commands read (the CLI's context, or the dashboard's runtime). */
export interface EdiAccess {
  documents: DynamoDBDocumentClient;
  tables: { integrationExceptions: string };
}

/** The EDI access of the stack the context is connected to. */
export function ediAccess(context: OpsContext): EdiAccess {
  const integrationExceptions = context.topology.tables.integrationExceptions;
  if (!integrationExceptions)
    throw new Error(`stack ${context.topology.stackName} has no integration exceptions table`);
  return { documents: context.clients.documents, tables: { integrationExceptions } };
}

/** Which rejected files to list. */
export interface RejectedFilter {
  /** OPEN (a person has not resolved it yet) or RESOLVED; both when omitted. */
  status?: ExceptionStatus;
  /** Only this partner's (or inbound folder's) files. */
  partner?: string;
  /** The newest n. @default 100 */
  limit?: number;
}

/** Rejected inbound files, newest first: one row per reason a file was refused for. */
export async function rejectedEdiFiles(
  access: EdiAccess,
  filter: RejectedFilter = {},
): Promise<RejectedEdiFile[]> {
  const store = new IntegrationExceptionStore(access.documents, access.tables.integrationExceptions);
  const files: RejectedEdiFile[] = [];
  for await (const exception of store.withCodes('EdiInterchange', REJECTED_INPUT_CODES, filter.status)) {
    const file = rejectedEdiFile(exception);
    if (file && (filter.partner === undefined || file.partner === filter.partner)) files.push(file);
  }
  return files
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.key.localeCompare(b.key))
    .slice(0, filter.limit ?? 100);
}

/** The CLI's table of rejected files. */
export function rejectedEdiTable(files: readonly RejectedEdiFile[]): string {
  if (files.length === 0) return 'no rejected EDI files';
  return table(files, [
    { header: 'RECEIVED', value: (f) => when(f.receivedAt) },
    { header: 'PARTNER', value: (f) => (f.knownSender ? f.partner : `${f.partner} (unknown sender)`) },
    { header: 'CODE', value: (f) => f.code },
    { header: 'STATUS', value: (f) => f.status },
    { header: 'KEY', value: (f) => f.key },
    { header: 'REASON', value: (f) => f.reason, max: 100 },
  ]);
}

/** The CLI's help of the EDI commands. */
export function ediHelp(connection: string): Record<string, string> {
  return {
    'edi rejected': `Usage: ops edi rejected [--status OPEN|RESOLVED] [--partner <id>] [--limit N] [--json]

Inbound EDI files refused as malformed, newest first: when received, the partner (or the inbound
folder, when the sender is no trading partner and got no 997), the code, whether a person has
resolved it, the mailbox key (the file is kept there unchanged) and the reason. One row per
reason: a file with two rejected transaction sets has two rows.

Codes: ${REJECTED_INPUT_CODES.join(', ')}.

  --status <s>     OPEN or RESOLVED (default both)
  --partner <id>   only this partner's files
  --limit <n>      the newest n (default 100)

${connection}`,
  };
}

/** Runs `edi rejected`; returns the exit code. */
export async function ediCommand(
  sub: string,
  options: {
    context: OpsContext;
    status?: string | undefined;
    partner?: string | undefined;
    limit?: number | undefined;
    print: (data: unknown, text: () => string) => void;
  },
): Promise<number> {
  if (sub !== 'rejected') throw new Error(`unknown command 'edi ${sub}'`);
  const status = options.status?.toUpperCase();
  if (status !== undefined && !isExceptionStatus(status))
    throw new Error(`--status must be OPEN or RESOLVED, not '${options.status}'`);
  const files = await rejectedEdiFiles(ediAccess(options.context), {
    ...(status ? { status } : {}),
    ...(options.partner ? { partner: options.partner } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  options.print(files, () => rejectedEdiTable(files));
  return 0;
}
