import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto'
import { randomBytesPooled } from '../random.js'

/**
 * Encryption of ID and account numbers (AES-256-GCM) and their blind index
 * (HMAC-SHA-256) for exact lookup, both with keys derived from PII_KEY. Each ciphertext
 * is stored with the id of the key that made it, so keys can be rotated.
 */
export class PiiVault {
  readonly keyId: string
  readonly #encryptionKey: Buffer
  readonly #indexKey: Buffer

  constructor (piiKey: Buffer) {
    if (piiKey.length !== 32) throw new Error('PII_KEY must be 32 bytes')
    this.#encryptionKey = Buffer.from(hkdfSync('sha256', piiKey, Buffer.alloc(0), 'huimin pii encryption', 32))
    this.#indexKey = Buffer.from(hkdfSync('sha256', piiKey, Buffer.alloc(0), 'huimin pii blind index', 32))
    this.keyId = createHash('sha256').update(this.#encryptionKey).digest('hex').slice(0, 12)
  }

  /** IV (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. */
  encrypt (plaintext: string | Buffer): Buffer {
    const iv = randomBytesPooled(12)
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv)
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  decrypt (sealed: Buffer, keyId: string): string {
    return this.decryptBytes(sealed, keyId).toString('utf8')
  }

  decryptBytes (sealed: Buffer, keyId: string): Buffer {
    if (keyId !== this.keyId) throw new Error(`data was encrypted with key ${keyId}, which is not configured`)
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, sealed.subarray(0, 12))
    decipher.setAuthTag(sealed.subarray(12, 28))
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()])
  }

  /** The same value always gives the same index; without the key it reveals nothing. */
  blindIndex (value: string): Buffer {
    return createHmac('sha256', this.#indexKey).update(value).digest()
  }
}

/** 张*明, 张*, 欧**华: first and last character kept. */
export function maskName (name: string): string {
  const characters = [...name]
  if (characters.length <= 1) return '*'
  if (characters.length === 2) return `${characters[0]}*`
  return `${characters[0]}${'*'.repeat(characters.length - 2)}${characters[characters.length - 1]}`
}

/** Only the last four digits of an account number. */
export function maskAccountNumber (accountNumber: string): string {
  return `${'*'.repeat(Math.max(accountNumber.length - 4, 0))}${accountNumber.slice(-4)}`
}
