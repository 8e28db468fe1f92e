/**
 * Staff accounts, as an administrator on the server's machine manages them (beside `accounts.ts`, which the API
 * uses): disabling an account, which ends its sessions at once.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"
import { AccountError } from "../accounts.js"

/**
 * Disables an account and ends its sessions, in one transaction; how many sessions it ended. The account stays (its
 * name is the actor of the tips' history) and cannot log in again. Fails when there is no such account.
 */
export const disableUser = (username: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const [found] = yield* sql<{ readonly n: number }>`
          SELECT count(*) AS n FROM staff_users WHERE username = ${username}`
        if (Number(found?.n ?? 0) === 0) return yield* new AccountError({ message: `There is no user ${username}.` })
        yield* sql`UPDATE staff_users SET disabled = 1 WHERE username = ${username}`
        const [sessions] = yield* sql<{ readonly n: number }>`
          SELECT count(*) AS n FROM staff_sessions WHERE username = ${username}`
        yield* sql`DELETE FROM staff_sessions WHERE username = ${username}`
        return Number(sessions?.n ?? 0)
      })
    )
  })
