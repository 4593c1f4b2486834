import { sql, type Kysely } from 'kysely'

// An annual review keeps, beside its candidates, the beneficiaries who no longer
// qualify (exit), each with the criterion they fail.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    alter table eligibility_lists drop constraint eligibility_lists_outcome_check;
    alter table eligibility_lists add constraint eligibility_lists_outcome_check check (outcome in ('candidate', 'gain', 'loss', 'exit'));
  `.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`
    alter table eligibility_lists drop constraint eligibility_lists_outcome_check;
    alter table eligibility_lists add constraint eligibility_lists_outcome_check check (outcome in ('candidate', 'gain', 'loss'));
  `.execute(db)
}
