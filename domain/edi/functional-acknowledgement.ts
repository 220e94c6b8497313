/**
 * Checking what a partner sent and answering each functional group with a 997 (guide, "997
 * Functional acknowledgement"): AK1 names the group, an AK2/AK5 per transaction set, AK9 the group.
 *
 * A set is rejected (AK5 `R`) with the X12 AK502 code of its first error: `1` not supported (a
 * document the partner does not send, or in the wrong group), `2` SE missing, `3` ST02 and SE02
 * differ, `4` SE01 is not the segment count, `23` ST02 repeats within the group, `5` its segments
 * do not make a document of the guide. A group whose GS/GE control numbers or counts disagree is
 * rejected whole (AK9 `R`, with AK905 `4` or `5`, and no AK2: nothing in it was looked at).
 */
import {
  element,
  FUNCTIONAL_IDS,
  type ReceivedGroup,
  type ReceivedTransactionSet,
  type Segment,
} from './interchange';
import type { PartnerDocument } from './partners';

/** AK502 codes the guide uses. */
export type SetErrorCode = '1' | '2' | '3' | '4' | '5' | '23';

/** How one transaction set was taken. */
export type SetVerdict =
  { readonly status: 'A' } | { readonly status: 'R'; readonly code: SetErrorCode; readonly reason: string };

/** One set's answer. */
export interface SetAcknowledgement {
  readonly setId: string;
  readonly controlNumber: string;
  readonly verdict: SetVerdict;
}

/** One group's answer: AK9 status, and the sets when the group itself was sound. */
export interface GroupAcknowledgement {
  readonly functionalId: string;
  readonly controlNumber: string;
  /** AK9: `A` all sets accepted, `P` some, `R` none or the group itself. */
  readonly status: 'A' | 'P' | 'R';
  /** AK905 when the group itself is rejected: `4` GS06/GE02 differ, `5` GE01 is not the set count. */
  readonly groupError?: { readonly code: '4' | '5'; readonly reason: string };
  readonly included: number;
  readonly received: number;
  readonly sets: readonly SetAcknowledgement[];
}

/** Checks the content of one set of a document the partner may send: the reason it is not one, if any. */
export type ContentCheck = (set: ReceivedTransactionSet) => string | undefined;

/** Checks `group` against the envelope rules and `contentChecks` per document. */
export function acknowledgeGroup(
  group: ReceivedGroup,
  sends: readonly PartnerDocument[],
  contentChecks: Readonly<Partial<Record<PartnerDocument | '997', ContentCheck>>>,
): GroupAcknowledgement {
  const check = groupCheck(group.header, sends, contentChecks);
  for (const set of group.sets) check.add(set);
  return check.finish(group.trailer);
}

/** One group checked a set at a time, as it is read: the group is never held whole. */
export interface GroupCheck {
  /** Checks the next set of the group. */
  add(set: ReceivedTransactionSet): SetAcknowledgement;
  /** The group's answer, once its GE (or none) is read. */
  finish(trailer: Segment | null): GroupAcknowledgement;
}

/** Starts checking the group that `header` (GS) opens; see {@link acknowledgeGroup}. */
export function groupCheck(
  header: Segment,
  sends: readonly PartnerDocument[],
  contentChecks: Readonly<Partial<Record<PartnerDocument | '997', ContentCheck>>>,
): GroupCheck {
  const functionalId = element(header, 1);
  const controlNumber = element(header, 6);
  const seen = new Set<string>();
  const sets: SetAcknowledgement[] = [];
  return {
    add(set) {
      const setId = element(set.header, 1);
      const setNumber = element(set.header, 2);
      const verdict = setVerdict(set, functionalId, sends, contentChecks, seen.has(setNumber));
      seen.add(setNumber);
      const answer = { setId, controlNumber: setNumber, verdict };
      sets.push(answer);
      return answer;
    },
    finish(trailer) {
      const received = sets.length;
      const base = { functionalId, controlNumber, received };
      const groupError = groupEnvelopeError(controlNumber, trailer, received);
      if (groupError) {
        const included = Number.parseInt(trailer ? element(trailer, 1) : '', 10);
        return {
          ...base,
          status: 'R',
          groupError,
          included: Number.isNaN(included) ? received : included,
          sets: [],
        };
      }
      const accepted = sets.filter((s) => s.verdict.status === 'A').length;
      const status = accepted === received ? 'A' : accepted === 0 ? 'R' : 'P';
      return { ...base, status, included: received, sets };
    },
  };
}

function groupEnvelopeError(
  gs06: string,
  trailer: Segment | null,
  setCount: number,
): GroupAcknowledgement['groupError'] {
  if (!trailer) return { code: '4', reason: 'the group has no GE trailer' };
  if (element(trailer, 2) !== gs06)
    return { code: '4', reason: `GE02 (${element(trailer, 2)}) is not GS06 (${gs06})` };
  if (element(trailer, 1) !== String(setCount))
    return {
      code: '5',
      reason: `GE01 (${element(trailer, 1)}) is not the number of transaction sets (${setCount})`,
    };
  return undefined;
}

function setVerdict(
  set: ReceivedTransactionSet,
  functionalId: string,
  sends: readonly PartnerDocument[],
  contentChecks: Readonly<Partial<Record<PartnerDocument | '997', ContentCheck>>>,
  repeated: boolean,
): SetVerdict {
  const setId = element(set.header, 1);
  const st02 = element(set.header, 2);
  const supported = setId === '997' || (sends as readonly string[]).includes(setId);
  if (!supported || FUNCTIONAL_IDS[setId] !== functionalId)
    return reject('1', `transaction set ${setId} is not one this partner sends in a ${functionalId} group`);
  if (!set.trailer) return reject('2', `transaction set ${st02} has no SE trailer`);
  if (element(set.trailer, 2) !== st02)
    return reject('3', `SE02 (${element(set.trailer, 2)}) is not ST02 (${st02})`);
  const count = set.segments.length + 2;
  if (element(set.trailer, 1) !== String(count))
    return reject('4', `SE01 (${element(set.trailer, 1)}) is not the ${count} segments from ST to SE`);
  if (repeated) return reject('23', `ST02 ${st02} repeats within the group`);
  if (!/^\d{4,9}$/.test(st02)) return reject('5', `ST02 (${st02}) is not 4 to 9 digits`);
  const problem = contentChecks[setId as PartnerDocument | '997']?.(set);
  return problem === undefined ? { status: 'A' } : reject('5', problem);
}

function reject(code: SetErrorCode, reason: string): SetVerdict {
  return { status: 'R', code, reason };
}

/** The segments of one 997 answering `group` (between ST and SE). */
export function functionalAcknowledgement997(group: GroupAcknowledgement): Segment[] {
  const segments: Segment[] = [{ tag: 'AK1', elements: [group.functionalId, group.controlNumber] }];
  for (const set of group.sets) {
    segments.push({ tag: 'AK2', elements: [set.setId, set.controlNumber] });
    segments.push({
      tag: 'AK5',
      elements: set.verdict.status === 'A' ? ['A'] : ['R', set.verdict.code],
    });
  }
  const accepted = group.sets.filter((s) => s.verdict.status === 'A').length;
  segments.push({
    tag: 'AK9',
    elements: [
      group.status,
      String(group.included),
      String(group.received),
      String(accepted),
      ...(group.groupError ? [group.groupError.code] : []),
    ],
  });
  return segments;
}
