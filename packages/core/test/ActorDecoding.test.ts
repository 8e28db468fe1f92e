// The actor is never trusted as given: every public entry point that takes one decodes it with the `Actor` schema
// first. A plain object whose roles are the string "not_identity_custodian" does not pass as a custodian (a string
// "includes" the role's name), an empty id is no crash further on, and each malformed actor is `AccessDenied` with
// reason `actor`, which leaves the tip as it was.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import * as Access from "../src/Access.js"
import * as Actor from "../src/Actor.js"
import * as Intake from "../src/Intake.js"
import type { Hash } from "../src/MediaStore.js"
import * as MediaStore from "../src/MediaStore.js"
import * as Statistics from "../src/Statistics.js"
import type { Tip } from "../src/Tip.js"
import * as Tips from "../src/Tips.js"
import { actors, ids, monday, receiveInput, recordUnits } from "./fixtures.js"

const live = Statistics.layerMemory().pipe(
  Layer.provideMerge(Layer.mergeAll(Intake.layerMemory(), MediaStore.layerMemory))
)

// As a caller's code would build them: plain objects, typed as actors by a cast or by `any`.
const malformed: ReadonlyArray<readonly [string, unknown]> = [
  ["roles given as a string", { id: "quan-ly-danh-tinh", unit: ids.province, roles: "not_identity_custodian" }],
  ["an empty id", { id: "", unit: ids.commune, roles: ["officer", "leader"] }],
  ["an id with a NUL character", { id: "can-bo\u0000ninh-tien", unit: ids.commune, roles: ["officer", "leader"] }],
  ["a role that does not exist", { id: "can-bo-ninh-tien", unit: ids.commune, roles: ["officer", "superuser"] }],
  ["no unit", { id: "can-bo-ninh-tien", roles: ["officer", "leader"] }],
  ["nothing at all", null]
]

// Every public entry point that takes an actor, each given the actor and a tip that exists.
const entryPoints: ReadonlyArray<
  readonly [
    string,
    (
      actor: Actor.Actor,
      tip: Tip
    ) => Effect.Effect<
      unknown,
      unknown,
      Tips.Tips | MediaStore.MediaStore | Intake.Intake | Statistics.StatisticsEngine
    >
  ]
> = [
  ["Tips.receive", (a) => Effect.flatMap(Tips.Tips, (t) => t.receive(a, receiveInput()))],
  [
    "Tips.execute",
    (a, tip) =>
      Effect.flatMap(Tips.Tips, (t) =>
        t.execute(a, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Acknowledge" } })
      )
  ],
  ["Tips.get", (a, tip) => Effect.flatMap(Tips.Tips, (t) => t.get(a, tip.id))],
  ["Tips.history", (a, tip) => Effect.flatMap(Tips.Tips, (t) => t.history(a, tip.id))],
  ["Tips.list", (a) => Effect.flatMap(Tips.Tips, (t) => t.list(a))],
  ["Tips.page", (a) => Effect.flatMap(Tips.Tips, (t) => t.page(a, { limit: 10 }))],
  ["Tips.evidence", (a, tip) => Effect.flatMap(Tips.Tips, (t) => t.evidence(a, tip.id))],
  ["Tips.deadlines", (a, tip) => Effect.flatMap(Tips.Tips, (t) => t.deadlines(a, tip.id))],
  [
    "Tips.revealIdentity",
    (a, tip) =>
      Effect.flatMap(Tips.Tips, (t) => t.revealIdentity(a, tip.id, tip.version, "Theo yêu cầu của cơ quan điều tra"))
  ],
  ["Tips.readEvidence", (a, tip) => Tips.readEvidence(a, tip.id, "0".repeat(64) as Hash)],
  ["Intake.reply", (a, tip) => Effect.flatMap(Intake.Intake, (i) => i.reply(a, tip.id, tip.version, "Cảm ơn bạn"))],
  [
    "StatisticsEngine.queryAs",
    (a) =>
      Effect.flatMap(Statistics.StatisticsEngine, (s) =>
        s.queryAs(a, { root: ids.commune, period: { _tag: "CalendarYear", year: 2024 } })
      )
  ]
]

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(monday)
  yield* recordUnits
  return yield* (yield* Tips.Tips).receive(actors.communeLeader, receiveInput())
})

describe("Actors given to the public API", () => {
  it("hold a role only when their roles are an array that holds it", () => {
    const stringRoles = { id: "x", unit: ids.province, roles: "not_identity_custodian" } as unknown as Actor.Actor
    expect(Actor.hasRole(stringRoles, "identity_custodian")).toBe(false)
    expect(Actor.hasRole(actors.custodian, "identity_custodian")).toBe(true)
  })

  it.effect("a plain object whose roles are a string does not reveal an identity", () =>
    Effect.gen(function* () {
      const tip = yield* setup
      const tips = yield* Tips.Tips
      const impostor = { id: "quan-ly-danh-tinh", unit: ids.province, roles: "not_identity_custodian" }
      const error = yield* Effect.flip(
        tips.revealIdentity(impostor as unknown as Actor.Actor, tip.id, tip.version, "Xác minh")
      )
      expect(error).toBeInstanceOf(Access.AccessDenied)
      expect(error).toMatchObject({ _tag: "AccessDenied", reason: "actor", actor: "quan-ly-danh-tinh" })
      expect(error.message).toContain("roles")
      // Nothing was recorded on the tip.
      expect((yield* tips.get(actors.communeLeader, tip.id)).version).toBe(tip.version)
    }).pipe(Effect.provide(live))
  )

  it.effect("an empty id is a typed AccessDenied from execute, not a crash", () =>
    Effect.gen(function* () {
      const tip = yield* setup
      const tips = yield* Tips.Tips
      const nobody = { id: "", unit: ids.commune, roles: ["officer", "leader"] } as unknown as Actor.Actor
      const error = yield* Effect.flip(
        tips.execute(nobody, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Acknowledge" } })
      )
      expect(error).toMatchObject({ _tag: "AccessDenied", reason: "actor" })
      expect(error._tag === "AccessDenied" && error.actor).toBeUndefined()
      expect(error.message).toMatch(/^The actor is not a valid actor \(id: .*\); nothing was done\.$/)
    }).pipe(Effect.provide(live))
  )

  it.effect("every entry point refuses every malformed actor with AccessDenied, reason actor", () =>
    Effect.gen(function* () {
      const tip = yield* setup
      for (const [entry, call] of entryPoints) {
        for (const [what, actor] of malformed) {
          const error = yield* Effect.flip(call(actor as Actor.Actor, tip))
          expect([entry, what, error]).toMatchObject([entry, what, { _tag: "AccessDenied", reason: "actor" }])
        }
      }
      expect((yield* (yield* Tips.Tips).get(actors.communeLeader, tip.id)).version).toBe(tip.version)
    }).pipe(Effect.provide(live))
  )

  it.effect("a well-formed actor given as a plain object acts as the same Actor would", () =>
    Effect.gen(function* () {
      const tip = yield* setup
      const tips = yield* Tips.Tips
      const plain = {
        id: "can-bo-ninh-tien",
        unit: ids.commune,
        roles: ["officer", "leader"]
      } as unknown as Actor.Actor
      const acknowledged = yield* tips.execute(plain, {
        tip: tip.id,
        expectedVersion: tip.version,
        command: { _tag: "Acknowledge" }
      })
      expect(acknowledged.version).toBe(tip.version + 1)
      expect((yield* tips.history(plain, tip.id)).at(-1)?.by).toBe("can-bo-ninh-tien")
    }).pipe(Effect.provide(live))
  )
})
