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
import type { HolidayCalendar } from "./Calendar.js"
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
 * Which tips to list: those of a unit's subtree (the actor's own unit when absent), received in a
 * time range, open or closed.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery {
  readonly unit?: UnitId
  readonly receivedFrom?: DateTime.Utc
  readonly receivedBefore?: DateTime.Utc
  readonly open?: boolean
}

/**
 * Which page of tips to give: the tips of a unit's subtree as in {@link ListQuery}, with the store's filters
 * (statuses, channel id or platform, category), after a key and at most `limit` (see `TipStore.PageQuery`).
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
 * Options of the service: the deadline policy (the law's values by default).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly policy?: Policy
}

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
 * Everything in memory: the service with the memory store, directory, vault and register, and the Vietnam
 * calendar. Good for tests, demos and small deployments; swap the ports' layers for durable ones.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: (
  options?: Options
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
