import { Effect } from "effect"
import type { Encoded, Row } from "../../Credentials.js"

/** Rows in a map. One process holds them, and the core already serialises its callers per account. @internal */
export const makeMemoryEncoded = (): Encoded => {
  const rows = new Map<string, Row>()
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
    exclusive: (_account, effect) => effect
  }
}
