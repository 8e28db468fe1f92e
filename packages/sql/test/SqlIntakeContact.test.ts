// Shared contact details on SQLite and PostgreSQL: a phone and an address shared after the tip (Zalo's
// `user_submit_info`) are sealed into the tip's identity, in the message's intake block under group commit, and
// appear in no table but sealed in the vault; an erased identity is never revived.
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Calendar,
  IdentityVault,
  InboundMessage,
  Intake,
  Tips,
  Transaction,
  UnitDirectory
} from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { backends } from "./backends.js"
import { probes, vaultConfig } from "./fixtures.js"

const unit = NinhBinh.unitIds.ninhTien
const CHANNEL = `zalo-oa:${unit}`
const reader = Actor.make("can-bo-ninh-tien", unit, ["officer"])
const custodian = Actor.make("quan-ly-danh-tinh", unit, ["identity_custodian"])
const userId = "zalo-user-5500192"
const phone = "0987001122"
const address = "Xóm 7, thôn Bắc, xã Ninh Tiến"
const start = Date.parse("2025-04-02T02:00:00Z")

let sent = 0
const tipMessage = (platformUserId: string, n: number) =>
  InboundMessage.InboundMessage.make({
    kind: "message",
    channel: CHANNEL,
    platformMessageId: `msg-${++sent}`,
    conversation: InboundMessage.direct(platformUserId),
    sender: Redacted.make({ platformUserId }),
    text: "Có người đánh bạc ở nhà văn hoá thôn",
    sentAt: DateTime.unsafeMake(start + n)
  })

const contact = (at: number) =>
  InboundMessage.InboundMessage.make({
    kind: "contact",
    channel: CHANNEL,
    conversation: InboundMessage.direct(userId),
    sender: Redacted.make({ platformUserId: userId, phone, address }),
    sentAt: DateTime.unsafeMake(at)
  })

// Every table but the vault's, as text.
const plainTables = Effect.gen(function* () {
  const sql = yield* SqlClient
  const tables = yield* sql.onDialectOrElse({
    pg: () => sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`,
    orElse: () => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
  })
  const texts = yield* Effect.forEach(
    tables.filter((t) => t.name !== "vault" && t.name !== "vault_keys"),
    (t) => Effect.map(sql.unsafe(`SELECT * FROM ${t.name}`), (rows) => JSON.stringify(rows))
  )
  return texts.join("\n")
})

for (const backend of backends()) {
  describe(`Intake of shared contact details on ${backend.name}`, () => {
    it.live("seals them into the tip's identity under group commit; no table holds them; forget is final", () =>
      Effect.gen(function* () {
        yield* (yield* UnitDirectory.UnitDirectory).record(NinhBinh.changes)
        yield* (yield* Binding.Bindings).bind(Binding.Binding.make({ channel: CHANNEL, unit }))
        const intake = yield* Intake.Intake
        const tips = yield* Tips.Tips
        const created = yield* intake.handle(tipMessage(userId, 1), "zalo")
        if (created._tag !== "Created") throw new Error(`expected a new tip, got ${created._tag}`)
        const tip = created.tip
        // Taken in with other reporters' new tips, which group commit puts in the same batch.
        const outcomes = yield* Effect.all(
          [
            intake.handle(contact(start + 60_000), "zalo"),
            ...["a", "b", "c"].map((n) => intake.handle(tipMessage(`zalo-user-${n}`, 2), "zalo"))
          ],
          { concurrency: "unbounded" }
        )
        expect(outcomes[0]!._tag === "ContactShared" && outcomes[0]!.tip.id).toBe(tip.id)
        expect(outcomes.slice(1).map((o) => o._tag)).toEqual(["Created", "Created", "Created"])
        expect((yield* intake.handle(contact(start + 60_000), "zalo"))._tag).toBe("Duplicate")

        const events = yield* tips.history(reader, tip.id)
        expect(events.filter((e) => e._tag === "ReporterContactShared").map((e) => e.fields)).toEqual([
          ["phone", "address"]
        ])
        const version = (yield* tips.get(reader, tip.id)).version
        const identity = yield* tips.revealIdentity(custodian, tip.id, version, "Cần gọi lại người báo tin")
        expect(Redacted.value(identity)).toMatchObject({ platformUserId: userId, phone, address })
        const plain = yield* plainTables
        expect(plain).toContain(tip.id)
        for (const secret of [phone, address, userId]) {
          expect(plain).not.toContain(secret)
          expect(yield* probes.vaultContains!(secret)).toBe(false)
        }

        const vault = yield* IdentityVault.IdentityVault
        yield* vault.forget(tip.alias)
        expect(yield* intake.handle(contact(start + 120_000), "zalo")).toEqual({
          _tag: "Ignored",
          reason: "contact_erased"
        })
        expect((yield* Effect.flip(vault.amend(tip.alias, Redacted.make({ phone })))).reason).toBe("forgotten")
        const sql = yield* SqlClient
        const rows = yield* sql<{ forgotten: number | string; ciphertext: string | null }>`
          SELECT forgotten, ciphertext FROM vault WHERE alias = ${tip.alias}`
        expect(rows.map((r) => [Number(r.forgotten), r.ciphertext])).toEqual([[1, null]])
        const keys = yield* sql<{ n: number | string }>`SELECT count(*) AS n FROM vault_keys WHERE alias = ${tip.alias}`
        expect(Number(keys[0]!.n)).toBe(0)
      }).pipe(
        Effect.provide(
          Intake.layer().pipe(
            Layer.provideMerge(Tips.layer()),
            Layer.provideMerge(Calendar.layerVietnam),
            Layer.provideMerge(backend.fresh()(vaultConfig()))
          )
        )
      )
    )

    it.live("amends an identity sealed in the same block, before group commit writes it", () =>
      Effect.gen(function* () {
        const vault = yield* IdentityVault.IdentityVault
        const sealed = { channel: CHANNEL, platformUserId: userId }
        const block = (n: number) =>
          Transaction.atomically(
            Effect.gen(function* () {
              const alias = yield* vault.seal(Redacted.make({ ...sealed, platformUserId: `${userId}${n}` }))
              yield* vault.amend(alias, Redacted.make({ phone, address }))
              return [alias, Redacted.value(yield* vault.reveal(alias))] as const
            })
          )
        const results = yield* Effect.all([1, 2, 3, 4].map(block), { concurrency: "unbounded" })
        for (const [n, [alias, inBlock]] of results.entries()) {
          const expected = { ...sealed, platformUserId: `${userId}${n + 1}`, phone, address }
          expect(inBlock).toEqual(expected)
          expect(Redacted.value(yield* vault.reveal(alias))).toEqual(expected)
        }
        expect(yield* probes.vaultContains!(phone)).toBe(false)
      }).pipe(Effect.provide(backend.fresh()(vaultConfig())))
    )
  })
}
