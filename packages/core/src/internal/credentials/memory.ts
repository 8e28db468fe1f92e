import { Effect } from "effect"
import type { Encoded, Row } from "../../Credentials.js"

/** Rows in a map; each account's lock is a semaphore of this process. @internal */
export const makeMemoryEncoded = (): Encoded => {
  const rows = new Map<string, Row>()
  const locks = new Map<string, Effect.Semaphore>()
  const lockOf = (account: string) => {
    let lock = locks.get(account)
    if (lock === undefined) {
      lock = Effect.unsafeMakeSemaphore(1)
      locks.set(account, lock)
    }
    return lock
  }
  return {
    get: (account) => Effect.sync(() => rows.get(account)),
    list: Effect.sync(() =>
      [...rows.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
    ),
    put: (row) =>
      Effect.sync(() => {
        rows.set(row.account, { ...row })
      }),
    remove: (account) => Effect.sync(() => rows.delete(account)),
    exclusive: (account, effect) => lockOf(account).withPermits(1)(effect)
  }
}
