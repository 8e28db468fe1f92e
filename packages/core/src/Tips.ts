/**
 * The tips service: receive tips, give commands, read tips and their deadlines, reveal a reporter's
 * identity. It ties the lifecycle to the ports and checks every actor's roles and scope.
 *
 * @since 0.1.0
 * @module
 */
import type { DateTime, Effect, Layer, ParseResult } from "effect"
import type { AccessDenied } from "./Access.js"
import type { Actor } from "./Actor.js"
import type { Calendar, HolidayCalendar } from "./Calendar.js"
import type { Category } from "./Category.js"
import type { Policy } from "./Deadline.js"
import type { Item } from "./Evidence.js"
import type { IdentityVault, IdentityVaultError } from "./IdentityVault.js"
import * as files from "./internal/tips/evidence.js"
import * as internal from "./internal/tips/service.js"
import type { TipNotFound, Tips, VersionConflict } from "./internal/tips/tips.js"
import type { RuleViolation } from "./Lifecycle.js"
import type { Hash, MediaStore, MediaStoreError } from "./MediaStore.js"
import type { Register, RegisterError } from "./Register.js"
import type { TipId } from "./Tip.js"
import type * as TipStore from "./TipStore.js"
import type { TipStoreError } from "./TipStore.js"
import type { Transaction, TransactionError } from "./Transaction.js"
import type { UnitId } from "./Unit.js"
import type { UnitDirectory, UnitDirectoryError } from "./UnitDirectory.js"
import type { UnitRuleError } from "./UnitHierarchy.js"

export { Receive, TipNotFound, Tips, VersionConflict } from "./internal/tips/tips.js"

/**
 * Which tips to list: those of a unit's subtree (the actor's own unit when absent), received in
 * `[receivedFrom, receivedBefore)`, open or closed, and overdue or not: `overdue: true` keeps the tips with a
 * deadline due and unmet now (`Deadline.isOverdue`, with the service's calendar and policy), `false` the others.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery {
  readonly unit?: UnitId
  readonly receivedFrom?: DateTime.Utc
  readonly receivedBefore?: DateTime.Utc
  readonly open?: boolean
  /** @since 0.4.0 */
  readonly overdue?: boolean
}

/**
 * Which page of tips to give, the documented way to read tips with filters: the tips of a unit's subtree as in
 * {@link ListQuery} (received between two times, open, overdue), with the store's filters (statuses, channel id or
 * platform, category), after a key and at most `limit` (see `TipStore.PageQuery`). Deadlines are not stored, so
 * `overdue` is checked on the store's pages as they are read: a page of it reads at most {@link overdueScan} tips
 * and can hold fewer than `limit` with a `next` key; follow `next` until it is absent.
 *
 * @since 0.3.0
 * @category models
 */
export interface PageQuery extends ListQuery, Omit<TipStore.PageQuery, "units" | keyof ListQuery> {}

/**
 * Every error the service can give. A `ParseError` means the input does not match its schema (a summary too
 * long, an empty reason, a NUL character, which storage cannot hold); it names the fields and their rules, never
 * the values given (an input may hold a reporter's identity), and nothing was recorded. A malformed actor is
 * `AccessDenied` with reason `actor`.
 *
 * @since 0.1.0
 * @category errors
 */
export type TipsError =
  | ParseResult.ParseError
  | AccessDenied
  | RuleViolation
  | TipNotFound
  | VersionConflict
  | UnitRuleError
  | TipStoreError
  | RegisterError
  | IdentityVaultError
  | UnitDirectoryError
  | TransactionError

/**
 * Options of the service: the deadline policy (the law's values by default) and the category taxonomy (since
 * 0.4.0; `Category.standard` by default), outside which `receive` and `Categorize` are refused with the rule
 * `unknown_category`. Give intake's taxonomy here too when it has categories of its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Policy
  /** @since 0.4.0 */
  readonly taxonomy?: Iterable<Category>
}

/**
 * Options of {@link layerMemory}: the service's, and the holiday calendar (`Calendar.vietnam` by default), e.g.
 * `Calendar.unsafeMake({ add, remove })` with the government's day swaps of the year.
 *
 * @since 0.4.0
 * @category models
 */
export interface MemoryOptions extends Options {
  readonly calendar?: Calendar
}

/**
 * How many tips of the store one `page` with an `overdue` filter reads at most before it answers.
 *
 * @since 0.4.0
 * @category constants
 */
export const overdueScan: number = internal.overdueScan

/**
 * Builds the service from the ports.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options?: Options
) => Effect.Effect<
  Tips["Type"],
  never,
  TipStore.TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction
> = internal.make

/**
 * The service as a layer over the ports.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (
  options?: Options
) => Layer.Layer<
  Tips,
  never,
  TipStore.TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction
> = internal.layer

/**
 * Everything in memory: the service with the memory store, directory, vault and register, and the calendar of
 * the options (the Vietnam calendar by default). Good for tests, demos and small deployments; swap the ports'
 * layers for durable ones.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: (
  options?: MemoryOptions
) => Layer.Layer<Tips | TipStore.TipStore | UnitDirectory | IdentityVault | Register | HolidayCalendar | Transaction> =
  internal.layerMemory

/**
 * The bytes of one of a tip's evidence files, with its item, for an actor who may read the tip (the scope of
 * `get`): `undefined` when no stored file of the tip has that hash, or when its file is no longer in the media
 * store. A file is served as its tip is, never by its hash alone. Needs the {@link MediaStore} besides the tips.
 *
 * @since 0.2.0
 * @category combinators
 */
export const readEvidence: (
  actor: Actor,
  tip: TipId,
  hash: Hash
) => Effect.Effect<
  { readonly item: Item; readonly bytes: Uint8Array } | undefined,
  TipsError | MediaStoreError,
  Tips | MediaStore
> = files.readEvidence
