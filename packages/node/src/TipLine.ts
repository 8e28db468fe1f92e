/**
 * A tip line without Effect: {@link createTipLine} builds tinbao's services from plain configuration (storage, the
 * vault's keys, the units, the web form channels) and gives them as async functions, a fetch-style webhook handler
 * and `close`. Every function runs on one Effect runtime built from the core's layers; a refusal rejects with one of
 * the error classes of `TinbaoError` (`TipNotFound`, `AccessDenied`, …), a bug with a plain `Error`.
 *
 * @since 0.4.0
 */
import type {
  Actor,
  Command,
  Deadline as CoreDeadline,
  Tip as CoreTip,
  TipEvent as CoreTipEvent,
  Intake,
  Label,
  Statistics,
  Tips,
  UnitChange
} from "@tinbao/core"
import type { Brand, DateTime, Redacted, Schema } from "effect"
import * as internal from "./internal/tipLine.js"

/**
 * A core value as the Promise API gives it: every instant a `Date`, everything else as it is.
 *
 * @since 0.4.0
 * @category models
 */
export type Plain<A> = A extends DateTime.DateTime
  ? Date
  : A extends string | number | boolean | bigint | symbol | null | undefined
    ? A
    : A extends ReadonlyArray<infer I>
      ? ReadonlyArray<Plain<I>>
      : A extends object
        ? { readonly [K in keyof A]: Plain<A[K]> }
        : A

/**
 * A core input as the Promise API takes it: instants as `Date`s, ids as plain strings.
 *
 * @since 0.4.0
 * @category models
 */
export type Input<A> = A extends DateTime.DateTime
  ? Date
  : A extends Brand.Brand<string | symbol>
    ? Brand.Brand.Unbranded<A>
    : A extends Redacted.Redacted<infer V>
      ? Input<V>
      : A extends string | number | boolean | bigint | symbol | null | undefined
        ? A
        : A extends ReadonlyArray<infer I>
          ? ReadonlyArray<Input<I>>
          : A extends object
            ? { readonly [K in keyof A]: Input<A[K]> }
            : A

/**
 * Who calls: an officer's id, unit and roles (`officer`, `leader`, `viewer`, `identity_custodian`,
 * `administrator`). The core checks it at every call (a malformed one is `AccessDenied` with reason `actor`).
 * Where it comes from (a session, a token) is the application's business: tinbao does not authenticate.
 *
 * @since 0.4.0
 * @category models
 */
export interface ActorInput {
  readonly id: string
  readonly unit: string
  readonly roles: ReadonlyArray<Actor.Role>
}

/**
 * A tip as the Promise API gives it.
 *
 * @since 0.4.0
 * @category models
 */
export type Tip = Plain<CoreTip.Tip>

/**
 * One of a tip's events.
 *
 * @since 0.4.0
 * @category models
 */
export type TipEvent = Plain<CoreTipEvent.TipEvent>

/**
 * One of a tip's deadlines, with its status now, and the words to show it in: what it is (`kindLabel`, e.g.
 * "Thông báo tiếp nhận cho người báo tin"), the last day of its period (`lastDay`, `YYYY-MM-DD`, the day the law
 * names) and when it falls due as an officer reads it (`dueLabel`, e.g. `24 giờ ngày 21/03/2025`, English
 * `24:00 on 2025-03-21`), as the core's `Deadline.kindLabels`, `Deadline.lastDay` and `Deadline.dueLabel` give them.
 *
 * @since 0.4.0
 * @category models
 */
export interface Deadline extends Plain<CoreDeadline.Deadline> {
  /** What the deadline is, e.g. "Giải quyết tố giác, tin báo" (Verification and decision). */
  readonly kindLabel: Label.Label
  /** The last day of its period, `YYYY-MM-DD` in Vietnam's time: the day the law names. */
  readonly lastDay: string
  /** When it falls due, e.g. `24 giờ ngày 24/03/2025` (`24:00 on 2025-03-24`). */
  readonly dueLabel: Label.Label
}

/**
 * A statistics report.
 *
 * @since 0.4.0
 * @category models
 */
export type Report = Plain<Statistics.Report>

/**
 * A tip received by hand (a phone call, a visit, a letter): where, how, from whom (sealed in the vault at once: the
 * tip keeps only an alias) and what about, as `Tips.receive` takes it. A tip entered after it was received gives
 * `receivedAt` (a `Date`): it sets the register year and starts every deadline. It may not lie ahead of the clock
 * (rule `received_in_future`), and the unit must have existed then.
 *
 * @since 0.4.0
 * @category models
 */
export type ReceiveInput = Input<Tips.Receive>

/**
 * A lifecycle command at the version the actor saw, e.g. `{ tip, expectedVersion: 1, command: { _tag:
 * "Acknowledge" } }`, as `Tips.execute` takes it.
 *
 * @since 0.4.0
 * @category models
 */
export type CommandInput = Input<Command.Envelope>

/**
 * Which tips to list: a unit's subtree (the actor's unit by default), received in a range, open or closed, with
 * statuses, a channel (an id such as `web:ca-p-hoa-lu`, or a platform such as `zalo`) or a category; at most `limit`
 * (default 50), after the `cursor` a previous page gave.
 *
 * @since 0.4.0
 * @category models
 */
export interface ListQuery extends Omit<Input<Tips.PageQuery>, "limit" | "after"> {
  readonly limit?: number
  readonly cursor?: string
}

/**
 * A page of tips, newest first, and the cursor of the next page when there may be more.
 *
 * @since 0.4.0
 * @category models
 */
export interface TipPage {
  readonly tips: ReadonlyArray<Tip>
  readonly next?: string
}

/**
 * A statistics query as JSON gives it (see `Statistics.Query`): the root unit, the period, filters and groupings.
 *
 * @since 0.4.0
 * @category models
 */
export type StatisticsQuery = Schema.Schema.Encoded<typeof Statistics.Query>

/**
 * A reporter's identity, as a custodian's `reveal` gives it.
 *
 * @since 0.4.0
 * @category models
 */
export interface Identity {
  readonly channel: string
  readonly platformUserId: string
  readonly displayName?: string
  readonly phone?: string
}

/**
 * Where the tip line keeps its data: in memory (tests, demos: lost when the process ends), in an SQLite file (one
 * process; the folder must exist) or in PostgreSQL (several processes). The database is migrated when the tip line
 * starts.
 *
 * @since 0.4.0
 * @category models
 */
export type StorageConfig =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly filename: string; readonly synchronous?: "full" | "normal" }
  | { readonly kind: "postgres"; readonly url: string | Redacted.Redacted<string>; readonly maxConnections?: number }

/**
 * The identity vault's keys, made with `npx tinbao keys generate` (32 random bytes each, in base64): the vault
 * keys by id, the id of the one that seals new identities, and the fingerprint key. Required for SQLite and
 * PostgreSQL; in memory, a random fingerprint key is made when none is given. Keep them out of the database's
 * folder and backups.
 *
 * @since 0.4.0
 * @category models
 */
export interface VaultConfig {
  readonly keys: Readonly<Record<string, string | Redacted.Redacted<string>>>
  readonly currentKeyId: string
  readonly fingerprintKey: string | Redacted.Redacted<string>
}

/**
 * A police website's "gửi tin báo" form for one unit (`@tinbao/web`): its deliveries come signed with `secret`
 * (16 characters or more) to `/webhooks/web/<unit>`, and replies to its reporters are posted, signed the same way,
 * to `replyUrl`. `id` names the channel (default `web:<unit>`); `verifyToken` enables the GET handshake; `fetch`
 * replaces the global one for replies.
 *
 * @since 0.4.0
 * @category models
 */
export interface WebFormConfig {
  readonly unit: string
  readonly secret: string | Redacted.Redacted<string>
  readonly replyUrl: string
  readonly id?: string
  readonly verifyToken?: string | Redacted.Redacted<string>
  readonly fetch?: typeof globalThis.fetch
}

/**
 * A tip line's configuration. `units` is the units file's content (a JSON array of unit changes, parents first, as
 * `examples/tip-line/units.json`), as text or parsed: at every start the changes the database does not hold yet
 * are recorded (`UnitDirectory.recordMissing`); a database ahead of the list (another instance started with a newer
 * file) is taken as it is, one set up from other changes is refused. `intake` takes the core's intake options (routing
 * rules, taxonomy, quiet period, default legal type, acknowledgement text). `logLevel` is the least level the tip line
 * logs to the console (default `info`; its messages never name a reporter).
 *
 * @since 0.4.0
 * @category models
 */
export interface Config {
  readonly storage: StorageConfig
  readonly vault?: VaultConfig
  readonly units: string | ReadonlyArray<Schema.Schema.Encoded<typeof UnitChange.UnitChange>>
  readonly channels?: { readonly web?: ReadonlyArray<WebFormConfig> }
  readonly intake?: Intake.Options
  readonly logLevel?: "all" | "debug" | "info" | "warning" | "error" | "none"
}

/**
 * A running tip line. Every function but `handler` rejects with a `TinbaoError` subclass when tinbao refuses;
 * `handler` answers every request (404 for a path that is no channel's webhook, 503 once closed).
 *
 * @since 0.4.0
 * @category models
 */
export interface TipLine {
  /** Receives a tip entered by staff (a call, a visit): sealed, numbered in the unit's register, recorded. */
  readonly receive: (actor: ActorInput, input: ReceiveInput) => Promise<Tip>
  /** Gives a lifecycle command; returns the tip's new state. */
  readonly execute: (actor: ActorInput, command: CommandInput) => Promise<Tip>
  /** A page of the tips the actor may read, newest first. */
  readonly list: (actor: ActorInput, query?: ListQuery) => Promise<TipPage>
  /** One tip. */
  readonly get: (actor: ActorInput, tip: string) => Promise<Tip>
  /** A tip's events, oldest first. */
  readonly history: (actor: ActorInput, tip: string) => Promise<ReadonlyArray<TipEvent>>
  /** A tip's deadlines now, each with its labels; `find((d) => d.kind === "verification")` picks one kind. */
  readonly deadlines: (actor: ActorInput, tip: string) => Promise<ReadonlyArray<Deadline>>
  /** A statistics report for a unit's subtree and a period. */
  readonly statistics: (actor: ActorInput, query: StatisticsQuery) => Promise<Report>
  /**
   * An officer's reply to the tip's reporter on the channel the tip came through, queued and sent in the
   * background; returns the tip's new state.
   */
  readonly reply: (
    actor: ActorInput,
    tip: string,
    expectedVersion: number,
    text: string,
    options?: Intake.ReplyOptions
  ) => Promise<Tip>
  /** Reveals the reporter's identity to an identity custodian, for a reason; the reveal is recorded on the tip. */
  readonly reveal: (actor: ActorInput, tip: string, expectedVersion: number, reason: string) => Promise<Identity>
  /**
   * The platforms' webhooks, fetch-style: `/webhooks/web/<unit>` (a unit's web form) or `/webhooks/<channel id>`.
   * Each delivery is verified, stored and answered at once, and taken in by a background worker.
   */
  readonly handler: (request: Request) => Promise<Response>
  /**
   * Stops taking calls and deliveries, takes in what was already answered, stops the workers and releases the
   * storage. Idempotent: later calls wait for the first.
   */
  readonly close: () => Promise<void>
}

/**
 * Starts a tip line: opens and migrates the storage, records the units, binds each channel to its unit, and starts
 * the webhook worker and the outbox dispatcher. Rejects with `ConfigurationError`, `StorageError`,
 * `ValidationError` (the units) or `UnitRuleError` when it cannot start.
 *
 * @since 0.4.0
 * @category constructors
 */
export const createTipLine: (config: Config) => Promise<TipLine> = internal.createTipLine
