/** The forecast sync runs as the operations CLI prints them (`ops forecast-syncs`). */
import { duration, table, when } from './format';
import { topReasons, type ForecastSyncDetail, type ForecastSyncRun } from './forecast-syncs';

/** What a row's figures do not say: why it failed, where it stands, what it was stale against. */
function runNote(run: ForecastSyncRun): string {
  if (run.failure) return `${run.failure.failureClass}: ${run.failure.reason}`;
  if (run.attempt) return `started ${when(run.attempt.lastAttemptAt)}, receive ${run.attempt.receiveCount}`;
  if (run.summary && run.summary.outcome !== 'processed')
    return `latest was v${run.summary.previousVersion ?? '?'}: not downloaded`;
  return '';
}

function rejectedCell(run: ForecastSyncRun): string {
  if (!run.summary) return '';
  const reasons = topReasons(run.summary.rejectedByReason);
  return reasons ? `${run.summary.rejected} (${reasons})` : String(run.summary.rejected);
}

/** The runs as a table, one row each. */
export function forecastSyncTable(runs: readonly ForecastSyncRun[]): string {
  return table(runs, [
    { header: 'PLAN', value: (r) => r.planId },
    { header: 'VERSION', value: (r) => r.version, right: true },
    { header: 'OUTCOME', value: (r) => r.outcome },
    { header: 'ROWS', value: (r) => r.summary?.rows, right: true },
    { header: 'ACCEPTED', value: (r) => r.summary?.accepted, right: true },
    { header: 'REJECTED', value: rejectedCell, max: 60 },
    { header: 'CHANGES', value: (r) => r.summary?.changesEmitted, right: true },
    {
      header: 'DURATION',
      value: (r) => (r.summary ? duration(r.summary.durationMs / 1000) : ''),
      right: true,
    },
    { header: 'WHEN', value: (r) => when(r.recordedAt) },
    { header: 'NOTE', value: runNote, max: 70 },
  ]);
}

/** One run in full: summary, failure or attempt, rejected rows. */
export function forecastSyncDetail(detail: ForecastSyncDetail): string {
  const head = `Forecast sync of plan ${detail.planId} version ${detail.version}: ${detail.outcome} (recorded ${when(detail.recordedAt)})`;
  const field = (label: string, value: string | number) => `  ${`${label}:`.padEnd(18)} ${value}`;
  const lines = [head];
  const s = detail.summary;
  if (s) {
    lines.push(
      field('previous version', s.previousVersion ?? 'none'),
      field('rows', `${s.rows}${s.declaredRows === null ? '' : ` (declared ${s.declaredRows})`}`),
      field('accepted', s.accepted),
      field('rejected', s.rejected),
      field(
        'keys',
        `${s.keys}${s.keysOverflowed > 0 ? ` (${s.keysOverflowed} overflowed: not emitted)` : ''}`,
      ),
      field(
        'changes emitted',
        `${s.changesEmitted} (added ${s.changesByKind.added}, changed ${s.changesByKind.changed}, removed ${s.changesByKind.removed})`,
      ),
      field('batches', `${s.batches} (${s.entries} event(s))`),
      field('partitions', s.partitions),
      field('bytes', s.bytes),
      field('duration', duration(s.durationMs / 1000)),
      field('sha256', s.sha256 ?? '(export not read)'),
    );
  }
  if (detail.failure)
    lines.push(
      field('failure', `${detail.failure.failureClass}: ${detail.failure.reason}`),
      field('failed at', detail.failure.at),
      '  (not retried automatically; the event is in the forecast-sync DLQ: ops dlq show forecast-sync)',
    );
  if (detail.attempt)
    lines.push(
      field('last attempt', `${detail.attempt.lastAttemptAt} (receive ${detail.attempt.receiveCount})`),
      '  (no outcome recorded yet: running, waiting for a retry, or dead-lettered: ops dlq show forecast-sync)',
    );
  lines.push(field('bucket', detail.bucket));
  if (s && s.rejected > 0) {
    lines.push(
      '',
      'Rejected by reason:',
      table(
        Object.entries(s.rejectedByReason).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0)),
        [
          { header: 'REASON', value: ([reason]) => reason },
          { header: 'ROWS', value: ([, rows]) => rows, right: true },
        ],
      ),
    );
  }
  if (detail.rejects.length > 0) {
    lines.push(
      '',
      `First rejected rows (${detail.rejects.length} of ${s?.rejected ?? '?'}; line 1 is the header):`,
      table(detail.rejects, [
        { header: 'LINE', value: (r) => r.line, right: true },
        { header: 'REASON', value: (r) => r.reason },
        { header: 'ROW', value: (r) => r.raw, max: 100 },
      ]),
    );
  } else if (s && s.rejected > 0 && !detail.rejectsRecorded) {
    lines.push('', 'The rejects file is gone (rejects/ expires after 30 days).');
  }
  return lines.join('\n');
}
