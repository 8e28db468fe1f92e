import { createHash } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { Effect, Redacted } from "effect"
import * as Accounts from "../src/accounts.js"
import * as Tokens from "../src/tokens.js"
import { addUser, call, login, startFresh, tipInTwoWards } from "./helpers.js"

const hoaLu = Unit.UnitId.make("ca-p-hoa-lu")

describe("the staff API's tokens", () => {
  it.scopedLive(
    "a token acts as its user within its scopes, without CSRF; revoked, disabled or unknown tokens are refused",
    () =>
      Effect.gen(function* () {
        const { running, secrets } = yield* startFresh()
        const { other, mine, theirs } = yield* tipInTwoWards(running, secrets.web.secret, hoaLu)
        yield* addUser(running, "lan.officer", hoaLu, ["officer"])
        yield* addUser(running, "minh.viewer", hoaLu, ["viewer"])
        const officer = yield* login(running, "lan.officer")

        const spec = yield* call(running, "GET", "/api/openapi.json")
        expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining(["/api/tokens", "/api/tokens/{id}"]))
        expect((yield* call(running, "GET", "/api/tokens")).status).toBe(401)

        const body = { name: "Báo cáo tự động (CI)", scopes: ["tips:read"] }
        const noCsrf = yield* call(running, "POST", "/api/tokens", { cookie: officer.cookie, body })
        expect(noCsrf.status).toBe(403)
        expect(noCsrf.json.reason).toBe("csrf")
        const badScope = yield* call(running, "POST", "/api/tokens", {
          ...officer,
          body: { name: "x", scopes: ["tips:read", "everything"] }
        })
        expect(badScope.status).toBe(422)
        expect(badScope.json.message).toContain("everything")
        const tooLong = yield* call(running, "POST", "/api/tokens", {
          ...officer,
          body: { ...body, expiresInDays: 400 }
        })
        expect(tooLong.status).toBe(422)

        const made = yield* call(running, "POST", "/api/tokens", { ...officer, body })
        expect(made.status).toBe(201)
        expect(made.json).toMatchObject({ name: body.name, scopes: ["tips:read"], revoked: false })
        const reader = made.json.secret as string
        expect(reader).toMatch(/^tbt_[A-Za-z0-9_-]{43}$/)

        // Only the secret's SHA-256 is kept.
        const rows = yield* Effect.flatMap(SqlClient, (sql) => sql`SELECT * FROM staff_tokens`).pipe(
          Effect.provide(running.services)
        )
        expect(rows).toHaveLength(1)
        expect(JSON.stringify(rows)).not.toContain(reader)
        expect(rows[0]!.secret_hash).toBe(createHash("sha256").update(reader).digest("hex"))

        const listed = yield* call(running, "GET", `/api/tips`, { bearer: reader })
        expect(listed.status).toBe(200)
        expect(listed.json.tips.map((t: { id: string }) => t.id)).toEqual([mine.id])
        expect((yield* call(running, "GET", `/api/tips/${theirs.id}`, { bearer: reader })).status).toBe(404)
        expect((yield* call(running, "GET", `/api/tips?unit=${other}`, { bearer: reader })).json.reason).toBe("scope")

        const current = yield* call(running, "GET", `/api/tips/${mine.id}`, { bearer: reader })
        const accept = { expectedVersion: current.json.version, command: { _tag: "Accept" } }
        const unscoped = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, { bearer: reader, body: accept })
        expect(unscoped.status).toBe(403)
        expect(unscoped.json).toMatchObject({ _tag: "Forbidden", reason: "token_scope" })
        const stats = yield* call(running, "GET", `/api/statistics?unit=${hoaLu}&policeYear=2026`, { bearer: reader })
        expect(stats.json.reason).toBe("token_scope")
        const tokenMakesToken = yield* call(running, "POST", "/api/tokens", { bearer: reader, body })
        expect(tokenMakesToken.status).toBe(403)
        expect(tokenMakesToken.json.reason).toBe("session_only")

        const writer = yield* call(running, "POST", "/api/tokens", {
          ...officer,
          body: { name: "tích hợp", scopes: ["tips:read", "tips:write"], expiresInDays: 7 }
        })
        const accepted = yield* call(running, "POST", `/api/tips/${mine.id}/commands`, {
          bearer: writer.json.secret,
          body: accept
        })
        expect(accepted.status).toBe(200)
        expect(accepted.json.status).toBe("verifying")
        const onTheirs = yield* call(running, "POST", `/api/tips/${theirs.id}/commands`, {
          bearer: writer.json.secret,
          body: { expectedVersion: theirs.version, command: { _tag: "Accept" } }
        })
        expect(onTheirs.status).toBe(404)

        const mineListed = yield* call(running, "GET", "/api/tokens", { cookie: officer.cookie })
        expect(mineListed.json.map((t: { name: string }) => t.name).toSorted()).toEqual(
          [body.name, "tích hợp"].toSorted()
        )
        expect(mineListed.text).not.toContain(reader)
        expect(mineListed.text).not.toContain("secret")
        expect(mineListed.json.find((t: { id: string }) => t.id === made.json.id).lastUsedAt).toBeDefined()

        // Another user cannot revoke it; its owner can, and then it is refused.
        const viewer = yield* login(running, "minh.viewer")
        expect((yield* call(running, "DELETE", `/api/tokens/${made.json.id}`, viewer)).status).toBe(404)
        expect((yield* call(running, "DELETE", `/api/tokens/${made.json.id}`, officer)).status).toBe(204)
        const revoked = yield* call(running, "GET", "/api/tips", { bearer: reader })
        expect(revoked.status).toBe(401)
        expect(revoked.json.message).toContain("revoked")
        expect((yield* call(running, "GET", "/api/tips", { bearer: "tbt_not-a-token" })).status).toBe(401)
        expect((yield* call(running, "GET", "/api/tokens", { cookie: officer.cookie })).json[1]).toBeDefined()

        // The functions the command line calls; a disabled account's tokens stop working.
        const cli = yield* Tokens.createToken({ username: "minh.viewer", name: "cli", scopes: ["reports:read"] }).pipe(
          Effect.provide(running.services)
        )
        const units = yield* call(running, "GET", "/api/units", { bearer: Redacted.value(cli.secret) })
        expect(units.status).toBe(200)
        const noTips = yield* call(running, "GET", "/api/tips", { bearer: Redacted.value(cli.secret) })
        expect(noTips.json.reason).toBe("token_scope")
        yield* Accounts.setDisabled("minh.viewer", true).pipe(Effect.provide(running.services))
        expect((yield* call(running, "GET", "/api/units", { bearer: Redacted.value(cli.secret) })).status).toBe(401)
        const refused = yield* Effect.flip(
          Tokens.createToken({ username: "minh.viewer", name: "again", scopes: ["tips:read"] })
        ).pipe(Effect.provide(running.services))
        expect(refused._tag).toBe("TokenError")
      }),
    60_000
  )
})
