/**
 * The approver roles an environment deploys while its identity settings carry none: the business
 * rules' (domain/approval/authority.ts). Functions granted `approverRoles` receive them as JSON.
 */
export { DEFAULT_APPROVER_ROLES } from '../domain/approval/authority';
