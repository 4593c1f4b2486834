import type { ColumnType, Generated } from 'kysely'

/** Row types of the tables, as the migrations create them (snake_case, like the SQL). */
export interface RegionsTable {
  code: string
  name: string
  level: 'district' | 'township' | 'village' | 'hamlet'
  parent_code: string | null
  created_at: ColumnType<Date, never, never>
}

export interface DB {
  regions: RegionsTable
}

export type { Generated }
