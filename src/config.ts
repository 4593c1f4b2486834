import envSchema from 'env-schema'
import Type, { type Static } from 'typebox'

/**
 * Every setting Huimin reads from the environment. README.md documents each one;
 * keep the two in step.
 */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on.' }),
  DATABASE_URL: Type.Optional(Type.String({
    pattern: '^postgres(ql)?://',
    description: 'PostgreSQL connection URL; unset means the embedded engine.',
  })),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Where the embedded engine keeps its data.' }),
  DISTRICT_CODE: Type.String({ pattern: '^[0-9]{6}$', default: '420102', description: 'Code of the root region of a new database.' }),
  DISTRICT_NAME: Type.String({ minLength: 1, maxLength: 100, default: '江岸区', description: 'Name of the root region of a new database.' }),
  PII_KEY: Type.Optional(Type.String({
    pattern: '^[A-Za-z0-9+/]{43}=$',
    description: '32 random bytes, base64: the key that encrypts ID and account numbers.',
  })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description: 'Lowest level that is logged.',
  }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Connections in the PostgreSQL pool.' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: 1048576, description: 'Largest request body accepted, in bytes.' }),
  IMPORT_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 67108864, description: 'Largest import file accepted, in bytes.' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30000, description: 'Longest time to receive a whole request, headers and body; enforced within a second.' }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10000, description: 'How long shutdown waits for requests in flight.' }),
  JOB_POLL_MS: Type.Integer({ minimum: 0, maximum: 600000, default: 1000, description: 'How often an instance looks for queued jobs; 0 runs none.' }),
  PUBLIC_OBJECTIONS_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 10000, default: 5, description: 'Objections one client address may file per minute on the public board.' }),
  CLOCK: Type.Enum(['system', 'settable'], {
    default: 'system',
    description: 'system: real time; settable: a training or test instance whose district administrators move the clock forward (PUT /v1/clock).',
  }),
  DEBTOR_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 140, description: 'Name of the district\'s paying account, the debtor of payment files.' })),
  DEBTOR_ACCOUNT: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{1,34}$', description: 'Number of the district\'s paying account.' })),
  DEBTOR_BANK_CODE: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', description: '12-digit CNAPS code (联行号) of the paying account\'s bank.' })),
  MIGRATE_ON_START: Type.Boolean({ default: true, description: 'Apply pending migrations when the server starts.' }),
  REDIS_URL: Type.Optional(Type.String({
    pattern: '^rediss?://',
    description: 'Redis connection URL; set, the request limits are counted there and shared by every instance; unset, each instance counts in memory.',
  })),
  RATE_LIMIT_PER_TOKEN: Type.Integer({ minimum: 1, maximum: 10000000, default: 6000, description: 'Requests a minute one officer token may make (partners have their own registered limit).' }),
  RATE_LIMIT_AUTH_FAILURES: Type.Integer({ minimum: 1, maximum: 10000000, default: 30, description: 'Failed authentications a minute from one client address before its requests are refused for the rest of the minute.' }),
  TRUST_PROXY: Type.String({
    pattern: '^(|true|false|[0-9]{1,2}|[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*)$',
    default: '',
    description: 'Behind a load balancer: which X-Forwarded-For hops to trust for the client address (true, a hop count, or addresses and CIDR ranges, comma-separated); empty trusts none.',
  }),
})

export type Config = Static<typeof ConfigSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Validates the environment against ConfigSchema. Throws ConfigError whose message
 * is one line naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const data: Record<string, string> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') data[key] = value
  }
  let config: Config
  try {
    // env: false, or env-schema would merge in process.env: the variables given are the ones read.
    config = envSchema<Config>({ schema: ConfigSchema, data, dotenv: false, env: false })
  } catch (error) {
    throw new ConfigError(describeEnvError(error, data))
  }
  if (config.DATABASE_URL && !config.PII_KEY) {
    throw new ConfigError('PII_KEY is required when DATABASE_URL is set: give 32 random bytes, base64 (openssl rand -base64 32)')
  }
  return config
}

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'PII_KEY', 'REDIS_URL'])

/** TRUST_PROXY as Fastify's trustProxy option takes it. */
export function trustProxyOf (setting: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === '' || setting === 'false') return false
  if (setting === 'true') return true
  if (/^[0-9]+$/.test(setting)) {
    const hops = Number(setting)
    return (_address, hop) => hop < hops
  }
  return setting.split(',')
}

function describeEnvError(error: unknown, data: Record<string, string>): string {
  const errors = (error as { errors?: Array<{ instancePath: string, message?: string, params?: Record<string, unknown> }> }).errors
  const first = errors?.[0]
  if (!first) return `invalid configuration: ${(error as Error).message}`
  const variable = first.instancePath.replace(/^\//, '') || String(first.params?.missingProperty ?? 'environment')
  const allowed = Array.isArray(first.params?.allowedValues) ? `: ${first.params.allowedValues.join(', ')}` : ''
  const given = variable in data && !SECRET_VARIABLES.has(variable) ? ` (got ${JSON.stringify(data[variable])})` : ''
  return `${variable} is invalid: ${first.message ?? 'bad value'}${allowed}${given}`
}
