export { createAudit, jobActor } from './audit.ts'
export type { Audit, AuditActor, AuditEvent, AuditTables } from './audit.ts'
export { maskAccountNumber, maskAccountNumbers } from './masking.ts'
