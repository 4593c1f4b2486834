import { sql, type Kysely } from 'kysely'

// A programme decided per claim (FREE_SERVICES) lists claims, not persons: a screening
// or simulation of it keeps, beside each person, the claim (service event) of the line.
// Null for programmes decided per person.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter table eligibility_lists
      add column claim_ids uuid[],
      add constraint eligibility_lists_claim_ids_check check (claim_ids is null or cardinality(claim_ids) = cardinality(person_ids))
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table eligibility_lists drop column claim_ids`.execute(db)
}
