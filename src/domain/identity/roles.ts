/** Roles of officers (DESIGN §8). */
export const OFFICER_ROLES = [
  'admin', 'registrar', 'investigator', 'reviewer', 'confirmer', 'finance_officer', 'finance_approver', 'auditor',
] as const

/** Every role a token can carry: officers' roles and the partner systems' one. */
export const ROLES = [...OFFICER_ROLES, 'partner'] as const

export type OfficerRole = (typeof OFFICER_ROLES)[number]
export type Role = (typeof ROLES)[number]

/** Any officer, whatever their roles. */
export const ANY_OFFICER: readonly Role[] = OFFICER_ROLES
