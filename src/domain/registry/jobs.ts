import { IMPORT_HOUSEHOLDS } from './import/job.js'

export const REGISTRY_JOBS = [IMPORT_HOUSEHOLDS]
