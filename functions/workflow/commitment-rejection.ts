/**
 * Every workflow's rejection and failure path: compensate the sourcing change (unless told not
 * to) and raise an integration exception for a person.
 */
import { rejectCommitment, type RejectionInput } from '../../domain/commitment/steps';
import { stepPorts } from './composition';
import { workflowTask } from './task';

export const handler = workflowTask('commitment-rejection', (input: RejectionInput) =>
  rejectCommitment(input, stepPorts()),
);
