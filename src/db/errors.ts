import { defineProblem } from '../http/problem.js'

/** Seconds a client is told to wait before trying again when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_S = 5

export const databaseUnavailable = defineProblem(503, 'database_unavailable', () =>
  `The database cannot be reached just now; nothing was changed by this request unless it said so. Try again in ${DATABASE_RETRY_AFTER_S} s.`)

/** SQLSTATE classes and codes that mean the connection or the server went away, not that the statement was wrong. */
const LOST_SQLSTATES = [
  /^08/, // connection exception
  /^57P0[1-4]$/, // admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped
  /^53300$/, // too_many_connections
]

/** Node's socket errors, and the messages node-postgres and its pool give when a connection dies or cannot be had. */
const LOST_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
const LOST_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  /^Cannot use a pool after calling end/,
]

/**
 * Whether an error says the database could not be reached or dropped the connection,
 * as opposed to refusing the statement: the work did not happen, or (when it came at
 * COMMIT) it cannot be known whether it did.
 */
export function isConnectionLost (error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  const { code, message } = error as { code?: unknown, message?: unknown }
  if (typeof code === 'string') {
    if (LOST_NODE_CODES.has(code)) return true
    if (/^[0-9A-Z]{5}$/.test(code) && LOST_SQLSTATES.some((pattern) => pattern.test(code))) return true
  }
  if (typeof message === 'string' && LOST_MESSAGES.some((pattern) => pattern.test(message))) return true
  const cause = (error as { cause?: unknown }).cause
  if (cause !== undefined && cause !== error) return isConnectionLost(cause)
  const errors = (error as { errors?: unknown }).errors
  return Array.isArray(errors) && errors.length > 0 && errors.every(isConnectionLost)
}
