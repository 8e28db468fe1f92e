/**
 * The error classes of the Promise API, and the one mapping from the core's typed failures to them. Each class
 * copies the fields of the failure it stands for (its reason, the tip, the rule), never its `cause`: a driver's
 * error may quote what it was given, and nothing here may carry a reporter's identity.
 *
 * @internal
 */
import { Cause, ParseResult } from "effect"

/**
 * What every error of a tip line is: `tag` is the core's name for the failure (`TipNotFound`, `TipStoreError`, …),
 * `reason` its reason when it has one. The message says what went wrong in words an officer understands; it never
 * holds a reporter's identity.
 *
 * @since 0.4.0
 * @category errors
 */
export class TinbaoError extends Error {
  /** The core's name for the failure. */
  readonly tag: string
  /** The failure's reason, when its kind has a closed set of them. */
  readonly reason: string | undefined

  constructor(message: string, fields: { readonly tag: string; readonly reason?: string | undefined }) {
    super(message)
    this.name = new.target.name
    this.tag = fields.tag
    this.reason = fields.reason
  }
}

/**
 * No tip with this id is visible to the actor: it does not exist, or it is outside the actor's scope (the two are
 * not told apart, so that probing ids reveals nothing). HTTP: 404.
 *
 * @since 0.4.0
 * @category errors
 */
export class TipNotFound extends TinbaoError {
  readonly tip: string
  constructor(message: string, fields: { readonly tip: string }) {
    super(message, { tag: "TipNotFound" })
    this.tip = fields.tip
  }
}

/**
 * The actor may not do this: it lacks a role (`role`), the tip or unit is outside its scope (`scope`), or what was
 * given as the actor is not a valid one (`actor`). HTTP: 403.
 *
 * @since 0.4.0
 * @category errors
 */
export class AccessDenied extends TinbaoError {
  declare readonly reason: "role" | "scope" | "actor"
  /** The actor's id, when the one given was valid. */
  readonly actor: string | undefined
  constructor(message: string, fields: { readonly reason: "role" | "scope" | "actor"; readonly actor?: string }) {
    super(message, { tag: "AccessDenied", reason: fields.reason })
    this.actor = fields.actor
  }
}

/**
 * A command broke a rule of the lifecycle (`rule`, such as `suspension_before_expiry`); nothing was recorded.
 * HTTP: 409 or 422, as the application prefers.
 *
 * @since 0.4.0
 * @category errors
 */
export class RuleViolation extends TinbaoError {
  readonly tip: string
  readonly command: string
  readonly rule: string
  constructor(message: string, fields: { readonly tip: string; readonly command: string; readonly rule: string }) {
    super(message, { tag: "RuleViolation", reason: fields.rule })
    this.tip = fields.tip
    this.command = fields.command
    this.rule = fields.rule
  }
}

/**
 * The command named a version of the tip that is no longer current: someone changed it first. Nothing was
 * changed; read the tip again and decide again. HTTP: 409.
 *
 * @since 0.4.0
 * @category errors
 */
export class VersionConflict extends TinbaoError {
  readonly tip: string
  readonly expected: number
  readonly actual: number
  constructor(message: string, fields: { readonly tip: string; readonly expected: number; readonly actual: number }) {
    super(message, { tag: "VersionConflict" })
    this.tip = fields.tip
    this.expected = fields.expected
    this.actual = fields.actual
  }
}

/**
 * A change to the units, or a tip received at a unit, that the unit hierarchy refuses (`rule`, such as
 * `not_valid_at_date`). HTTP: 422.
 *
 * @since 0.4.0
 * @category errors
 */
export class UnitRuleError extends TinbaoError {
  readonly rule: string
  readonly unit: string | undefined
  constructor(message: string, fields: { readonly rule: string; readonly unit?: string }) {
    super(message, { tag: "UnitRuleError", reason: fields.rule })
    this.rule = fields.rule
    this.unit = fields.unit
  }
}

/**
 * One field that breaks its rule: where (`path`) and the rule, never the value given.
 *
 * @since 0.4.0
 * @category models
 */
export interface Issue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * An input does not match its schema (a summary too long, an empty reason, an unknown command, a cursor this API
 * did not give). `issues` name the fields and their rules, never the values given: an input may hold a reporter's
 * identity. Nothing was recorded. HTTP: 422 (or 400).
 *
 * @since 0.4.0
 * @category errors
 */
export class ValidationError extends TinbaoError {
  readonly issues: ReadonlyArray<Issue>
  constructor(message: string, fields: { readonly issues: ReadonlyArray<Issue> }) {
    super(message, { tag: "ParseError" })
    this.issues = fields.issues
  }
}

/**
 * A statistics query that cannot be answered: `invalid` (it breaks its schema, or its root does not hold on its
 * date), `future` (the period has not begun), `unavailable`, `corrupt` or `calendar`. HTTP: 422 for `invalid` and
 * `future`, else 503.
 *
 * @since 0.4.0
 * @category errors
 */
export class StatisticsError extends TinbaoError {
  declare readonly reason: string
  constructor(message: string, fields: { readonly reason: string }) {
    super(message, { tag: "StatisticsError", reason: fields.reason })
  }
}

/**
 * Storage failed: the database cannot be reached, refused a commit, or holds what does not read back. `source`
 * names the port (`TipStoreError`, `RegisterError`, `IdentityVaultError`, `OutboxError`, `SqlStorageError`, …),
 * `reason` its reason (`unavailable`, `corrupt`, `conflict`, `forgotten`, …). Nothing was recorded by the call that
 * failed; trying again later is safe. HTTP: 503.
 *
 * @since 0.4.0
 * @category errors
 */
export class StorageError extends TinbaoError {
  readonly source: string
  constructor(message: string, fields: { readonly source: string; readonly reason?: string | undefined }) {
    super(message, { tag: fields.source, reason: fields.reason })
    this.source = fields.source
  }
}

/**
 * The tip line's configuration cannot be used: a channel's secret too short, vault keys missing or refused, a units
 * list that is not the one the database was set up from. `createTipLine` rejects with it.
 *
 * @since 0.4.0
 * @category errors
 */
export class ConfigurationError extends TinbaoError {
  constructor(message: string, fields: { readonly tag?: string; readonly reason?: string | undefined } = {}) {
    super(message, { tag: fields.tag ?? "ConfigurationError", reason: fields.reason })
  }
}

/**
 * The tip line was closed: its storage is released and it takes no more calls.
 *
 * @since 0.4.0
 * @category errors
 */
export class TipLineClosed extends TinbaoError {
  constructor() {
    super("The tip line is closed; create another to go on.", { tag: "TipLineClosed" })
  }
}

// The core's errors that storage ports give, by tag.
const storageTags = new Set([
  "TipStoreError",
  "RegisterError",
  "IdentityVaultError",
  "UnitDirectoryError",
  "TransactionError",
  "OutboxError",
  "InboxError",
  "IntakeLedgerError",
  "BindingError",
  "ConversationActivityError",
  "EvidenceError",
  "HolidayCalendarError",
  "MediaStoreError",
  "CredentialsError",
  "SqlStorageError"
])

type Failure = {
  readonly _tag: string
  readonly message?: string
  readonly reason?: string
  readonly [field: string]: unknown
}

const isFailure = (error: unknown): error is Failure =>
  typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string"

const string = (value: unknown): string => (typeof value === "string" ? value : String(value))
const optional = (value: unknown): string | undefined => (value === undefined ? undefined : string(value))

/**
 * The error class for one of the core's typed failures (or this package's own, passed through).
 *
 * @internal
 */
export const fromFailure = (error: unknown): Error => {
  if (error instanceof TinbaoError) return error
  if (ParseResult.isParseError(error)) {
    // The core's inputs fail with their values withheld already; the issues are read from that error alone.
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => ({ path: i.path, message: i.message }))
    return new ValidationError(error.message, { issues })
  }
  if (!isFailure(error)) return error instanceof Error ? error : new Error(String(error))
  const message = error.message ?? error._tag
  switch (error._tag) {
    case "TipNotFound":
      return new TipNotFound(message, { tip: string(error.tip) })
    case "AccessDenied":
      return new AccessDenied(message, {
        reason: error.reason as AccessDenied["reason"],
        ...(error.actor === undefined ? {} : { actor: string(error.actor) })
      })
    case "RuleViolation":
      return new RuleViolation(message, {
        tip: string(error.tip),
        command: string(error.command),
        rule: string(error.rule)
      })
    case "VersionConflict":
      return new VersionConflict(message, {
        tip: string(error.tip),
        expected: Number(error.expected),
        actual: Number(error.actual)
      })
    case "UnitRuleError":
      return new UnitRuleError(message, {
        rule: string(error.rule),
        ...(error.unit === undefined ? {} : { unit: string(error.unit) })
      })
    case "StatisticsError":
      return new StatisticsError(message, { reason: string(error.reason) })
    case "ChannelError":
    case "WebhookError":
      return new ConfigurationError(message, { tag: error._tag, reason: optional(error.reason) })
  }
  if (storageTags.has(error._tag)) {
    // A vault key that breaks the key rules is the configuration's fault, not the database's.
    return error.reason === "key_refused"
      ? new ConfigurationError(message, { tag: error._tag, reason: error.reason })
      : new StorageError(message, { source: error._tag, reason: optional(error.reason) })
  }
  return new TinbaoError(message, { tag: error._tag, reason: optional(error.reason) })
}

/**
 * What a failed run rejects with: the error class of its typed failure, else the defect as a plain `Error` (a bug
 * to report, not a refusal to handle).
 *
 * @internal
 */
export const fromCause = (cause: Cause.Cause<unknown>): Error => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") return fromFailure(failure.value)
  const defect = Cause.squash(cause)
  return defect instanceof Error ? defect : new Error(Cause.pretty(cause))
}
