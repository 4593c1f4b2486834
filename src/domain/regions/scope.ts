import { sql, type Expression, type RawBuilder } from 'kysely'

/**
 * Region scope, enforced in the queries themselves. Codes are path-like
 * (420102.003.012) and collated "C", so a subtree is the code itself plus one
 * indexed prefix range; codes hold only digits and dots, so nothing needs escaping.
 */
export function inSubtree (column: string | Expression<string | null>, scope: string | Expression<string>): RawBuilder<boolean> {
  const code = typeof column === 'string' ? sql.ref(column) : column
  // A scope given as an expression (each row's own asker, in a statement answering many) is matched the same way.
  return typeof scope === 'string'
    ? sql<boolean>`(${code} = ${scope} or ${code} like ${`${scope}.%`})`
    : sql<boolean>`(${code} = ${scope} or ${code} like ${scope} || '.%')`
}

export function isWithin (code: string, scope: string): boolean {
  return code === scope || code.startsWith(`${scope}.`)
}

/** The parent of a region code, or null for a district. */
export function parentOf (code: string): string | null {
  const cut = code.lastIndexOf('.')
  return cut === -1 ? null : code.slice(0, cut)
}

export const LEVELS = ['district', 'township', 'village', 'hamlet'] as const

/** The level a code's depth implies. */
export function levelOf (code: string): (typeof LEVELS)[number] | undefined {
  return LEVELS[code.split('.').length - 1]
}
