import { REGISTRATIONS } from './registrations.js'

export const WORKFLOW_JOBS = [REGISTRATIONS]
