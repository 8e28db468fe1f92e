// What the SQL tests share: vault keys, and probes that read the tables directly, bypassing the adapters.
import { SqlClient } from "@effect/sql/SqlClient"
import {
  Actor,
  Category,
  IdentityVault,
  type IntakeLedger,
  type Tip,
  TipEvent,
  type Unit,
  VaultKey
} from "@tinbao/core"
import { SqlMigrations, type SqlStorage } from "@tinbao/sql"
import type { StorageSuite } from "@tinbao/testkit/vitest"
import { DateTime, Effect, type Redacted } from "effect"

export const randomKey = (): Redacted.Redacted<string> => VaultKey.generate()

// One fingerprint key for the whole run, so that a database opened again gives the same fingerprints.
const fingerprintKey = VaultKey.generate()

export const vaultConfig = (
  keys: Record<string, Redacted.Redacted<string>> = { k1: randomKey() },
  currentKeyId = "k1"
): SqlStorage.Config => ({
  vault: { keys, currentKeyId, fingerprintKey }
})

export const receivedAt: DateTime.Utc = DateTime.unsafeMake("2025-04-02T02:00:00Z")

/**
 * A tip received in a Nam Thành police unit's register on 2 April 2025. `unchecked` skips the event's own
 * validation, for tests of what storage does with a value the core would refuse.
 */
export const received = (tip: Tip.TipId, unit: Unit.UnitId, summary: string, unchecked = false): TipEvent.TipReceived =>
  new TipEvent.TipReceived(
    {
      tip,
      at: receivedAt,
      by: Actor.ActorId.make("sql-test"),
      unit,
      code: "NAMTHANH-2025-0001",
      registerNumber: 1,
      registerYear: 2025,
      channel: "zalo",
      reporterKind: "individual",
      alias: IdentityVault.AliasId.make("AL-0123456789ABCDEF"),
      legalType: "to_giac",
      category: Category.CategoryId.make("crime"),
      summary
    },
    unchecked
  )

/** The rows a table holds. */
export const count = (table: string): Effect.Effect<number, unknown, SqlClient> =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(sql.unsafe<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`), (rows) => Number(rows[0]!.n))
  )

/** An intake ledger entry, told apart by `n`. */
export const entry = (n: number): IntakeLedger.Entry => ({ tip: `T-${n}` as Tip.TipId, at: n })

const rows = <A extends object>(query: (sql: SqlClient) => Effect.Effect<ReadonlyArray<A>, unknown>) =>
  Effect.flatMap(SqlClient, query)

// Every column of the vault, and the ciphertext decoded too: a name must not show through any of them.
const vaultText = (row: Record<string, unknown>): string =>
  [
    ...Object.values(row).map((value) => String(value ?? "")),
    typeof row.ciphertext === "string" ? Buffer.from(row.ciphertext, "base64").toString("utf8") : ""
  ].join("\n")

export const probes: StorageSuite.Probes<SqlClient> = {
  eventCount: (tip) =>
    Effect.map(
      rows((sql) => sql<{ n: number | string }>`SELECT count(*) AS n FROM tip_events WHERE tip = ${tip}`),
      (r) => Number(r[0]!.n)
    ),
  registerNumbers: (unit, year) =>
    Effect.map(
      rows(
        (sql) =>
          sql<{ number: number | string }>`SELECT number FROM register_entries WHERE unit = ${unit} AND year = ${year}`
      ),
      (r) => r.map((row) => Number(row.number))
    ),
  vaultContains: (text) =>
    Effect.map(
      rows((sql) => sql<Record<string, unknown>>`SELECT * FROM vault`),
      (r) => r.some((row) => vaultText(row).includes(text))
    )
}

export const capabilities: StorageSuite.Capabilities = { encryptedIdentities: { supported: true } }

/** A statement run as it is written, for tests that take a database back to an earlier release. */
export const exec = (statement: string) => Effect.flatMap(SqlClient, (sql) => sql.unsafe(statement))

/** The columns migration 9_tip_pages adds to `tips`. */
export const pageColumns = ["register_year", "register_number", "status", "channel", "channel_id", "category"]

/** Takes the database back to before 9_tip_pages: its indexes and columns gone, its record deleted. */
export const undoTipPages = Effect.gen(function* () {
  yield* exec("DROP INDEX tips_register")
  yield* exec("DROP INDEX tips_unit_register")
  for (const column of pageColumns) yield* exec(`ALTER TABLE tips DROP COLUMN ${column}`)
  yield* exec(`DELETE FROM ${SqlMigrations.table} WHERE migration_id = 9`)
})
