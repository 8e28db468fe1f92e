/**
 * `@tinbao/sql`: tinbao's storage over `@effect/sql`, on SQLite (the embedded default) and PostgreSQL (the
 * scale path): migrations, the tip event store, the register, the encrypted identity vault, the unit
 * directory, the transaction port with group commit, the messaging ports (outbox, inbox, intake ledger, bindings,
 * conversation activity), the evidence records and platform credentials.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

// Each namespace takes its summary from the comment that opens its module (marked `@module`).
export * as SqlBindings from "./SqlBindings.js"
export * as SqlConversationActivity from "./SqlConversationActivity.js"
export * as SqlCredentials from "./SqlCredentials.js"
export * as SqlEvidence from "./SqlEvidence.js"
export * as SqlIdentityVault from "./SqlIdentityVault.js"
export * as SqlInbox from "./SqlInbox.js"
export * as SqlIntakeLedger from "./SqlIntakeLedger.js"
export * as SqlMigrations from "./SqlMigrations.js"
export * as SqlOutbox from "./SqlOutbox.js"
export * as SqlRegister from "./SqlRegister.js"
export * as SqlStatistics from "./SqlStatistics.js"
export * as SqlStorage from "./SqlStorage.js"
export * as SqlTipStore from "./SqlTipStore.js"
export * as SqlTransaction from "./SqlTransaction.js"
export * as SqlUnitDirectory from "./SqlUnitDirectory.js"
