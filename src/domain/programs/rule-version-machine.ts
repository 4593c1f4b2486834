import { sql, type Transaction } from 'kysely'
import { idIn } from '../../db/id-in.js'
import type { DB } from '../../db/types.js'
import { notFound } from '../entities.js'
import type { Acting } from '../identity/acting.js'
import { levelOf } from '../regions/scope.js'
import { fourEyes } from '../state/errors.js'
import { defineMachine } from '../state/machine.js'
import { districtScopeRequired } from './errors.js'

/** Programmes are the district's: only an administrator scoped to the whole district changes their rules. */
export function districtAdministratorsOnly (_row: unknown, acting: Acting) {
  return acting.actor.kind === 'system' || levelOf(acting.scope) === 'district' ? undefined : districtScopeRequired()
}

function lockRuleVersions (trx: Transaction<DB>, ids: readonly string[]) {
  return trx.selectFrom('rule_versions')
    .select(['id', 'status', 'program_code', 'version', 'authored_by', sql<string>`(select code from regions where parent_code is null)`.as('region_code')])
    .where(idIn('id', ids))
    .forUpdate()
    .execute()
}

/**
 * A rule version's life: draft → active → retired, or a draft retired unused. Activation
 * takes a second administrator (four eyes: never the author). Versions belong to the
 * whole district, whose code their audit rows carry.
 */
export const RULE_VERSION = defineMachine({
  entity: 'rule_version',
  table: 'rule_versions',
  steps: {
    activate: {
      from: ['draft'],
      to: 'active',
      role: 'admin',
      guards: [
        districtAdministratorsOnly,
        (version, acting) => version.authored_by !== null && version.authored_by === acting.actor.id
          ? fourEyes('A rule version is activated by another administrator than its author.')
          : undefined,
      ],
    },
    retire: { from: ['draft', 'active'], to: 'retired', role: 'admin', guards: [districtAdministratorsOnly] },
  },
  lock: lockRuleVersions,
  notFound: notFound('rule_version'),
  columns: (to, acting) => to === 'active'
    ? { activated_by: sql`${acting.actor.kind === 'officer' ? acting.actor.id : null}::uuid`, activated_at: acting.clock.sql }
    : { retired_at: acting.clock.sql },
  audited: (version) => ({ programCode: version.program_code, version: version.version }),
})
