import { notFound } from '../entities.js'

export const jobNotFound = notFound('job')
