import { createRequire } from 'node:module'
import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/**
 * Paths that may carry secrets or personal data. The service never logs bodies, but
 * whatever object reaches a log line has these fields censored, at the top level and
 * up to two levels down.
 */
const SENSITIVE_FIELDS = ['idNumber', 'accountNumber', 'name', 'holderName', 'token', 'password']
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
]

/**
 * Database errors can quote row values in `detail`, `where` and bound `params`;
 * only their kind, code, constraint and stack are logged. The messages of data
 * exceptions (SQLSTATE class 22: "invalid input syntax for type uuid: …", "value … is
 * out of range") quote the value itself, so theirs are left out too.
 */
function serializeError (error: unknown): object {
  const serialized = stdSerializers.err(error as Error) as unknown as Record<string, unknown>
  for (const key of ['detail', 'where', 'params', 'query', 'hint', 'internalQuery']) delete serialized[key]
  if (typeof serialized.code === 'string' && /^22[0-9A-Z]{3}$/.test(serialized.code)) {
    serialized.message = `data exception ${serialized.code}`
    if (typeof serialized.stack === 'string') serialized.stack = serialized.stack.split('\n').slice(1).join('\n')
  }
  return serialized
}

/** The service's logger: JSON lines, pretty only on a terminal, or into the given stream. */
export function createLogger (level: string, stream?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  }
  if (stream) return pino(options, stream)
  const pretty = process.stdout.isTTY && prettyTransportAvailable()
  return pino(pretty ? { ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : options)
}

function prettyTransportAvailable (): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}
