import type { TokenLookup } from './repo.js'

/** How long a token looked up is kept: a change announced by the database ends it sooner. */
export const TOKEN_CACHE_MS = 5000

interface Kept {
  lookup: TokenLookup
  expiresAt: number
  keptUntil: number
}

/**
 * The tokens an instance has looked up, by hash, kept for a few seconds so that a
 * request does not ask the database who is calling. Every change to a token, an
 * officer or a partner is announced by the database (the trigger notify_token_change,
 * channel huimin_tokens) and empties the cache on every instance as it is heard.
 * While the announcements are not being heard (no listening connection) nothing is
 * kept, so nothing stale is ever used; an unknown token is never kept, so a token
 * issued on another instance works at once.
 */
export class TokenCache {
  private readonly kept = new Map<string, Kept>()
  private listening = false
  /** Who counts the acknowledgements of an announcement, by its payload. */
  private readonly waiting = new Map<string, Array<() => void>>()
  /** Bumped by every announcement, so that a lookup that started before one is not kept after it. */
  private generation = 0

  constructor (private readonly ttlMs = TOKEN_CACHE_MS, private readonly now: () => number = Date.now) {}

  /** The kept lookup of a token hash, its expiry reckoned now; undefined when not kept. */
  get (hash: string): TokenLookup | undefined {
    const kept = this.kept.get(hash)
    if (!kept) return undefined
    const now = this.now()
    if (kept.keptUntil <= now) {
      this.kept.delete(hash)
      return undefined
    }
    return kept.expiresAt <= now && !kept.lookup.expired ? { ...kept.lookup, expired: true } : kept.lookup
  }

  /** The generation a lookup starts in: pass it to keep(). */
  get current (): number { return this.generation }

  keep (hash: string, lookup: TokenLookup, since: number): void {
    if (!this.listening || since !== this.generation || this.ttlMs <= 0) return
    if (this.kept.size >= 10_000) this.kept.clear()
    this.kept.set(hash, { lookup, expiresAt: lookup.expiresAt.getTime(), keptUntil: this.now() + this.ttlMs })
  }

  /** An announcement was heard: forget everything. */
  changed (payload: string): void {
    this.generation++
    this.kept.clear()
  }

  /** An instance says it has heard the announcement with this payload. */
  acknowledged (payload: string): void {
    for (const waiter of this.waiting.get(payload) ?? []) waiter()
  }

  /** Whether announcements are being heard; while they are not, nothing is kept. */
  setListening (listening: boolean): void {
    this.listening = listening
    this.generation++
    this.kept.clear()
  }

  /** Forgets everything this instance keeps, now. */
  forget (): void {
    this.generation++
    this.kept.clear()
  }

  /**
   * Counts the instances that say they have heard the announcement with this payload:
   * call it before the change; after the commit, until(n) resolves once n have said so
   * (or after timeoutMs, for an instance that died meanwhile).
   */
  expect (payload: string): { until (instances: number, timeoutMs?: number): Promise<void> } {
    let heard = 0
    let wake = () => {}
    const waiter = () => { heard++; wake() }
    this.waiting.set(payload, [...(this.waiting.get(payload) ?? []), waiter])
    const stop = () => {
      const list = this.waiting.get(payload)?.filter((each) => each !== waiter)
      if (list?.length) this.waiting.set(payload, list)
      else this.waiting.delete(payload)
    }
    return {
      until: (instances, timeoutMs = 2000) => new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          stop()
          resolve()
        }
        const timer = setTimeout(done, timeoutMs)
        wake = () => { if (heard >= instances) done() }
        wake()
      }),
    }
  }
}
