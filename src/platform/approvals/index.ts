export { approvalsRequired, createApprovals } from './approvals.ts'
export type { Approval, Approvals, ApprovalSubjectType, ApprovalsTables } from './approvals.ts'
