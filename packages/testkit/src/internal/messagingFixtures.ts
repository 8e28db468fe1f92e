/**
 * What every part of the messaging suite shares: how a test is registered (on a fresh build of the layer, or
 * skipped with the reason when it needs a capability or a probe the backend does not have), the messages and
 * deliveries the tests send, and the reporter's alias and platform id that must never be confused.
 *
 * @internal
 */
import type { Vitest } from "@effect/vitest"
import {
  type Binding,
  type Channel,
  type ConversationActivity,
  IdentityVault,
  type Inbox,
  type IntakeLedger,
  Outbox
} from "@tinbao/core"
import { Effect, type Layer, Schema } from "effect"
import { type Capability, missingNeeds } from "./suiteNeeds.js"

/** The ports under test: the messaging ports of a storage backend. @internal */
export type Services =
  | Outbox.Outbox
  | Inbox.Inbox
  | IntakeLedger.IntakeLedger
  | Binding.Bindings
  | ConversationActivity.ConversationActivity

/** @internal */
export type CapabilityName = "concurrentWriters"

/** @internal */
export type ProbeName = "outboxRows" | "writeOutboxRow" | "writeInboxRow"

/** A row with the fields of an adapter's row and values of any type, to write what no adapter would. @internal */
export type LooseRow<Row> = { readonly [K in keyof Row]: unknown }

/** @internal */
export interface Probes<R> {
  readonly outboxRows?: () => Effect.Effect<ReadonlyArray<unknown>, unknown, R>
  readonly writeOutboxRow?: (row: LooseRow<Outbox.Row>) => Effect.Effect<void, unknown, R>
  readonly writeInboxRow?: (row: LooseRow<Inbox.Row>) => Effect.Effect<void, unknown, R>
}

/** @internal */
export type { Capability } from "./suiteNeeds.js"

/** @internal */
export interface Context<R> {
  readonly it: Vitest.Methods
  readonly layer: Layer.Layer<Services | R, unknown>
  readonly capabilities: { readonly [K in CapabilityName]: Capability }
  readonly probes: Probes<R>
  readonly timeout: number
}

/** @internal */
export interface Needs {
  readonly capabilities?: ReadonlyArray<CapabilityName>
  readonly probes?: ReadonlyArray<ProbeName>
}

// The outbox's and the inbox's claims and lists see every entry a store holds, so a test can only be exact about
// what it finds on a store of its own: a layer whose builds share one store would fail here, with this message,
// rather than later with a puzzling count.
const emptyStore = Effect.flatMap(Outbox.Outbox, (outbox) => outbox.list()).pipe(
  Effect.flatMap((entries) =>
    entries.length === 0
      ? Effect.void
      : Effect.dieMessage(
          `MessagingSuite: the layer under test opened an outbox that already holds ${entries.length} entries; ` +
            "each build of the layer must open an empty store"
        )
  )
)

/**
 * Registers a test that runs on a fresh build of the layer (with the test clock, which the tests move), or
 * registers it skipped with the reason in its title when it needs a capability the backend declared unsupported
 * or a probe that was not given, so a report shows what was not checked and why.
 *
 * @internal
 */
export const test = <R>(
  ctx: Context<R>,
  title: string,
  needs: Needs,
  body: () => Effect.Effect<void, unknown, Services | R>
): void => {
  const missing = missingNeeds(ctx.capabilities, ctx.probes, needs)
  const run = () => Effect.provide(Effect.zipRight(emptyStore, Effect.suspend(body)), ctx.layer)
  if (missing.length === 0) ctx.it.effect(title, run, ctx.timeout)
  else ctx.it.effect.skip(`${title} [skipped: ${missing.join("; ")}]`, run, ctx.timeout)
}

/** A reporter's alias, as the outbox keeps it in place of their platform id. @internal */
export const alias = Schema.decodeSync(IdentityVault.AliasId)("AL-0123456789ABCDEF")

/** Another reporter's alias. @internal */
export const otherAlias = Schema.decodeSync(IdentityVault.AliasId)("AL-ZYXWVTSRQPNMKJHG")

/** A reporter's Zalo user id: an identity, which no outbox row may hold. @internal */
export const platformUserId = "843009701254"

/** An acknowledgement to the reporter behind {@link alias}, in a direct conversation. @internal */
export const message = (key: string, overrides: Partial<Outbox.Message> = {}): Outbox.Message => ({
  key,
  channel: "zalo-oa:207145032978",
  conversation: { kind: "direct", id: alias },
  recipient: alias,
  text: "Công an phường đã nhận tin báo của bạn, mã NINHTIEN-2024-0026.",
  ...overrides
})

/** The channel of the deliveries. @internal */
export const pageChannel = "fb-page:1048576001"

/** A Facebook page webhook delivery. @internal */
export const delivery = (
  body: Uint8Array = new TextEncoder().encode('{"object":"page","entry":[]}')
): Channel.RawDelivery => ({
  method: "POST",
  url: "https://tinbao.example/webhooks/fb-page:1048576001",
  headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=00ff" },
  body
})

/** An id no stored delivery has. @internal */
export const unknownInboxId = "IB-00000000000000000000000000000000" as Inbox.InboxId

/** The reason of the error an effect fails with. @internal */
export const reasonOf = <A, E extends { readonly reason: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason)

/** Rows as text, to look for a value in them; a bigint column (PostgreSQL's count) is written as its digits. @internal */
export const textOf = (rows: unknown): string =>
  JSON.stringify(rows, (_, value) => (typeof value === "bigint" ? value.toString() : value))
