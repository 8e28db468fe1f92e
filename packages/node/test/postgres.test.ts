import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { expect, it } from "@effect/vitest"
import { VaultKey } from "@tinbao/core"
import { createTipLine, VersionConflict } from "@tinbao/node"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import { afterAll } from "vitest"

const pg = await Postgres.check()

const units = [
  {
    _tag: "Established",
    effectiveDate: "2020-01-01",
    legalBasis: "Luật Công an nhân dân số 37/2018/QH14",
    id: "ca-tinh-ninh-binh",
    kind: "province",
    name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Bình provincial police" }
  },
  {
    _tag: "Established",
    effectiveDate: "2020-01-01",
    legalBasis: "Luật Công an nhân dân số 37/2018/QH14",
    id: "ca-p-hoa-lu",
    kind: "ward",
    name: { vi: "Công an phường Hoa Lư", en: "Hoa Lư ward police" },
    parent: "ca-tinh-ninh-binh"
  }
] as const

Postgres.describe(pg, "a tip line on PostgreSQL", () => {
  // A schema of its own, dropped after the test.
  const schema = `tinbao_node_${randomBytes(6).toString("hex")}`
  const server = `postgres://postgres@${pg.host}:${pg.port}/test`
  const onServer = (statement: (sql: SqlClient) => Effect.Effect<unknown, unknown>) =>
    Effect.runPromise(
      Effect.flatMap(SqlClient, statement).pipe(
        Effect.scoped,
        Effect.provide(PgClient.layer({ url: Redacted.make(server) }))
      )
    )
  afterAll(() => onServer((sql) => sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`))

  it("migrates its schema, records a tip and refuses a stale command", async () => {
    await onServer((sql) => sql`CREATE SCHEMA ${sql(schema)}`)
    const tipLine = await createTipLine({
      storage: { kind: "postgres", url: `${server}?options=${encodeURIComponent(`-c search_path=${schema}`)}` },
      vault: {
        keys: { k1: VaultKey.generate("base64") },
        currentKeyId: "k1",
        fingerprintKey: VaultKey.generate("base64")
      },
      units,
      logLevel: "error"
    })
    try {
      const officer = { id: "can-bo-02", unit: "ca-p-hoa-lu", roles: ["officer"] } as const
      const tip = await tipLine.receive(officer, {
        unit: "ca-p-hoa-lu",
        channel: "phone",
        identity: { channel: "phone", platformUserId: "0900000001" },
        reporterKind: "individual",
        legalType: "phan_anh",
        category: "traffic",
        summary: "Đèn tín hiệu ở ngã tư hỏng từ sáng."
      })
      const page = await tipLine.list(officer)
      expect(page.tips.map((t) => t.id)).toEqual([tip.id])
      await tipLine.execute(officer, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Acknowledge" } })
      await expect(
        tipLine.execute(officer, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Acknowledge" } })
      ).rejects.toBeInstanceOf(VersionConflict)
    } finally {
      await tipLine.close()
    }
  })
})
