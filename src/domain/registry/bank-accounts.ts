import { inTransaction } from '../../db/transaction.js'
import { recordAudit } from '../audit/record.js'
import type { Acting } from '../identity/acting.js'
import type { Actor } from '../identity/actor.js'
import { bankAccountNotFound, personNotFound } from './errors.js'
import { maskAccountNumber, maskName } from './pii.js'
import { findPerson } from './repo.js'
import type { BankAccount, BankAccountSet } from './schemas.js'
import type { Registry } from './service.js'

/** Roles whose work needs the whole account number: they prepare and approve payments. */
const SEES_WHOLE_ACCOUNT_NUMBER = new Set(['finance_officer', 'finance_approver'])

type AccountRow = { id: string, person_id: string, bank_name: string, branch_code: string, account_number_cipher: Buffer, account_number_key: string, account_number_masked: string, holder_name: string, created_at: Date }

/** Whether the actor's work needs whole account numbers (payments, their files): finance officers and approvers. */
export function seesWholeAccountNumber (actor: Actor): boolean {
  return actor.roles.some((role) => SEES_WHOLE_ACCOUNT_NUMBER.has(role))
}

function toBankAccount (row: AccountRow, registry: Registry, actor: Actor): BankAccount {
  const whole = seesWholeAccountNumber(actor)
  return {
    id: row.id,
    personId: row.person_id,
    bankName: row.bank_name,
    branchCode: row.branch_code,
    accountNumber: whole ? registry.vault.decrypt(row.account_number_cipher, row.account_number_key) : row.account_number_masked,
    holderName: row.holder_name,
    since: row.created_at.toISOString(),
  }
}

/** Makes this the person's active account; the previous one is kept as history, as payments already made refer to it. */
export async function setBankAccount (registry: Registry, acting: Acting, personId: string, input: BankAccountSet): Promise<BankAccount> {
  return inTransaction(registry.db, async (trx) => {
    const person = await findPerson(trx, personId, acting.scope, true)
    if (!person) throw personNotFound(personId)
    const replaced = await trx.updateTable('bank_accounts')
      .set({ active: false, replaced_at: acting.clock.sql })
      .where('person_id', '=', personId).where('active', '=', true)
      .returning('id')
      .executeTakeFirst()
    const row = await trx.insertInto('bank_accounts').values({
      person_id: personId,
      bank_name: input.bankName,
      branch_code: input.branchCode,
      account_number_cipher: registry.vault.encrypt(input.accountNumber),
      account_number_key: registry.vault.keyId,
      account_number_masked: maskAccountNumber(input.accountNumber),
      holder_name: input.holderName,
      created_at: acting.clock.sql,
    }).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, acting, {
      entityType: 'person',
      entityId: personId,
      action: 'set_bank_account',
      regionCode: person.region_code,
      changes: {
        bankAccountId: row.id,
        replaces: replaced?.id ?? null,
        bankName: row.bank_name,
        branchCode: row.branch_code,
        accountNumber: row.account_number_masked,
        holderName: maskName(row.holder_name),
      },
    })
    return toBankAccount(row, registry, acting.actor)
  })
}

export async function getBankAccount (registry: Registry, acting: Acting, personId: string): Promise<BankAccount> {
  const { db } = registry
  if (!await findPerson(db, personId, acting.scope)) throw personNotFound(personId)
  const row = await db.selectFrom('bank_accounts').selectAll().where('person_id', '=', personId).where('active', '=', true).executeTakeFirst()
  if (!row) throw bankAccountNotFound(personId)
  return toBankAccount(row, registry, acting.actor)
}
