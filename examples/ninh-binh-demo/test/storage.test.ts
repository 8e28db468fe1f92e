import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect, Redacted } from "effect"
import { demo } from "../src/demo.js"
import { runOrReuse, UsedDatabase } from "../src/session.js"
import * as Storage from "../src/storage.js"
import * as Units from "../src/units.js"

const options = { seed: 2023, year: 2023, units: await Effect.runPromise(Units.load()) }
const memoryLines = Effect.runPromise(Effect.map(demo(options), (r) => r.lines))

const dir = mkdtempSync(join(tmpdir(), "ninh-binh-demo-"))
const media = Storage.mediaDirectory(dir)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const pg = await Postgres.check()

describe("the demo on durable storage", () => {
  it.live(
    "a year on a SQLite file reports as in memory; a second run reports from what is stored; another seed is refused",
    () =>
      Effect.gen(function* () {
        const choice = Storage.choose({}, dir)
        expect(choice).toEqual({ _tag: "Sqlite", filename: join(dir, "tinbao.sqlite") })
        const vault = yield* Storage.vaultKeys({}, dir)
        yield* Storage.prepare(choice, { fresh: false })
        const first = yield* runOrReuse(options, Storage.layer(choice, vault, media))
        expect(first.source).toBe("simulated")
        expect(first.lines).toEqual(yield* Effect.promise(() => memoryLines))
        // The keys were kept in the data folder: the second run opens the same vault.
        const again = yield* runOrReuse(options, Storage.layer(choice, yield* Storage.vaultKeys({}, dir), media))
        expect(again.source).toBe("stored")
        expect(again.lines).toEqual(first.lines)
        const other = yield* Effect.flip(runOrReuse({ ...options, seed: 7 }, Storage.layer(choice, vault, media)))
        expect(other).toBeInstanceOf(UsedDatabase)
        if (!(other instanceof UsedDatabase)) return
        expect(other.message).toContain("--seed 2023 --year 2023")
        expect(other.message).toContain("--fresh")
      }),
    120_000
  )

  it.effect("keys: TINBAO_VAULT_KEY must be 32 bytes of base64; the URL is printed without its password", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.flip(Storage.vaultKeys({ TINBAO_VAULT_KEY: "c2hvcnQ=" }, dir))
      expect(bad.message).toContain("32 bytes")
      const weak = Buffer.alloc(32, 7).toString("base64")
      const refused = yield* Effect.flip(Storage.vaultKeys({ TINBAO_VAULT_KEY: weak }, dir))
      expect(refused.message).toContain(`TINBAO_VAULT_KEY is refused by the rule "few_distinct_bytes"`)
      expect(refused.message).not.toContain(weak)
      const good = yield* Storage.vaultKeys({ TINBAO_VAULT_KEY: randomBytes(32).toString("base64") }, dir)
      expect(good.currentKeyId).toBe("env")
      const pg = Storage.choose({ DATABASE_URL: "postgres://officer:s3cret@db.local:5432/tinbao" }, dir)
      expect(Storage.describe(pg)).toBe(
        "Lưu trữ / storage: PostgreSQL at postgres://officer@db.local:5432/tinbao, schema tinbao_demo"
      )
      expect(Storage.describe(pg)).not.toContain("s3cret")
    })
  )

  Postgres.describe(pg, "on PostgreSQL", () => {
    const schema = `tinbao_demo_test_${randomBytes(6).toString("hex")}`
    const url = Redacted.make(`postgres://postgres@${pg.host}:${pg.port}/test`)
    afterAll(() => Effect.runPromise(Storage.dropSchema(url, schema)))
    it.live(
      "a year in a fresh PostgreSQL schema reports as in memory",
      () =>
        Effect.gen(function* () {
          const choice: Storage.Choice = { _tag: "Pg", url, schema }
          yield* Storage.prepare(choice, { fresh: true })
          const vault = yield* Storage.vaultKeys({ TINBAO_VAULT_KEY: randomBytes(32).toString("base64") }, dir)
          const run = yield* runOrReuse(options, Storage.layer(choice, vault, media))
          expect(run.source).toBe("simulated")
          expect(run.lines).toEqual(yield* Effect.promise(() => memoryLines))
        }),
      120_000
    )
  })
})
