/**
 * The messaging conformance suite: one call checks that a backend's `Outbox`, `Inbox` (of raw deliveries),
 * `IntakeLedger`, `Bindings` and `ConversationActivity` behave as the in-memory ones do, built on
 * `@effect/vitest`.
 *
 * ```ts
 * import { MessagingSuite } from "@tinbao/testkit/vitest"
 *
 * MessagingSuite.suite("sqlite", Layer.unwrapEffect(Effect.sync(() => openFreshDatabase())), {
 *   probes: { outboxRows: () => selectAll("outbox"), writeOutboxRow: (row) => insertRaw("outbox", row) }
 * })
 * ```
 *
 * Unlike the storage suite, the layer is **built anew for every test**, and every build must open an empty
 * store: the outbox's and the inbox's claims take every due entry a store holds, so tests cannot share one
 * (the memory layers are fresh on each build; for a database, open a new file or schema in each build). A test
 * that finds outbox entries already there fails, saying so. Tests run on the test clock, which they move.
 *
 * What a backend cannot do is declared as a capability with its reason, and the tests that need it are reported
 * as skipped with that reason in their title. Probes reach the backend's storage past the adapter: they read
 * what it holds, and write rows no adapter would write, to check that they are reported as corrupt; a test that
 * needs a probe that was not given is skipped with the reason "no probe given".
 *
 * @since 0.1.0
 */
import { describe, it } from "@effect/vitest"
import type { Binding, ConversationActivity, Inbox, IntakeLedger, Outbox } from "@tinbao/core"
import { Duration, type Effect, type Layer, Option, Schema } from "effect"
import { inboxTests } from "./internal/messagingInbox.js"
import { inboxRetentionTests } from "./internal/messagingInboxRetention.js"
import { intakeTests } from "./internal/messagingIntake.js"
import { outboxTests } from "./internal/messagingOutbox.js"
import { outboxClaimTests } from "./internal/messagingOutboxClaims.js"
import { decodeCapabilities } from "./internal/suiteNeeds.js"
import { Capability } from "./StorageSuite.js"

/**
 * The services a messaging backend provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Outbox.Outbox
  | Inbox.Inbox
  | IntakeLedger.IntakeLedger
  | Binding.Bindings
  | ConversationActivity.ConversationActivity

/**
 * What a backend declares it can do; an absent capability is supported. A capability declared unsupported must
 * say why (the same `Capability` as the storage suite's).
 *
 * - `concurrentWriters`: parallel callers on one instance: 4 claimers draining 100 outbox entries and 4 draining
 *   60 deliveries each get every entry once, and 20 enqueues of one key at once create one entry.
 *
 * @since 0.1.0
 * @category models
 */
export const Capabilities = Schema.Struct({
  concurrentWriters: Schema.optional(Capability)
}).annotations({ identifier: "MessagingCapabilities" })

/**
 * @since 0.1.0
 * @category models
 */
export type Capabilities = typeof Capabilities.Type

/**
 * A row with the fields of an adapter's row (`Outbox.Row`, `Inbox.Row`) and values of any type: what the suite
 * writes through a probe to make a row no adapter would write.
 *
 * @since 0.1.0
 * @category models
 */
export type LooseRow<Row> = { readonly [K in keyof Row]: unknown }

/**
 * Direct access to what the backend holds, past the adapter. `R` is what they need from the layer under test
 * (e.g. an `SqlClient`, which the layer then provides besides the five services).
 *
 * - `outboxRows()`: every outbox row the backend holds, in whatever form it holds them: the suite counts them and
 *   looks for a reporter's platform id in their JSON text;
 * - `writeOutboxRow(row)`: stores a row as it is, bypassing the adapter's checks, its fields as in `Outbox.Row`
 *   (a database writes them in its columns, as its adapter would: a flag as 0/1, times as numbers);
 * - `writeInboxRow(row)`: the same for the inbox, its fields as in `Inbox.Row` (headers are written as JSON).
 *
 * @since 0.1.0
 * @category models
 */
export interface Probes<R = never> {
  readonly outboxRows?: () => Effect.Effect<ReadonlyArray<unknown>, unknown, R>
  readonly writeOutboxRow?: (row: LooseRow<Outbox.Row>) => Effect.Effect<void, unknown, R>
  readonly writeInboxRow?: (row: LooseRow<Inbox.Row>) => Effect.Effect<void, unknown, R>
}

/**
 * The options of {@link suite}: what the backend can do, its probes, and how long one test may take, building
 * the layer included (default 60 seconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> {
  readonly capabilities?: Capabilities
  readonly probes?: Probes<R>
  readonly timeout?: Duration.DurationInput
}

const supported: Capability = { supported: true }

/**
 * Registers the messaging conformance suite for a backend: a `describe` block named `name` whose tests each
 * build `layer` afresh (each build must open an empty store). Throws at registration when the capabilities are
 * malformed, e.g. an unsupported capability without a reason, or when the timeout is not a positive duration.
 *
 * @since 0.1.0
 * @category constructors
 */
export const suite = <E, R = never>(
  name: string,
  layer: Layer.Layer<Services | R, E>,
  options: Options<R> = {}
): void => {
  const decoded = decodeCapabilities(Capabilities, options.capabilities ?? {}, `MessagingSuite.suite("${name}")`)
  const timeout = Option.getOrElse(
    Option.map(Duration.decodeUnknown(options.timeout ?? Duration.seconds(60)), Duration.toMillis),
    () => Number.NaN
  )
  if (!(timeout > 0 && Number.isFinite(timeout))) {
    throw new TypeError(`MessagingSuite.suite("${name}"): the timeout must be a positive, finite duration`)
  }
  const ctx = {
    it,
    layer,
    capabilities: { concurrentWriters: decoded.concurrentWriters ?? supported },
    probes: options.probes ?? {},
    timeout
  }
  describe(name, () => {
    describe("Outbox", () => {
      outboxTests(ctx)
      outboxClaimTests(ctx)
    })
    describe("Inbox", () => {
      inboxTests(ctx)
      inboxRetentionTests(ctx)
    })
    describe("IntakeLedger, Bindings, ConversationActivity", () => intakeTests(ctx))
  })
}
