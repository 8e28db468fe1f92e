/**
 * `@tinbao/sql`: tinbao's storage over `@effect/sql`, on SQLite (the embedded default) and PostgreSQL (the
 * scale path): migrations, the tip event store, the register, the encrypted identity vault, the unit
 * directory, the transaction port with group commit, the messaging ports (outbox, inbox, intake ledger, bindings,
 * conversation activity), the evidence records and platform credentials.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as SqlBindings from "./SqlBindings.js"
/** @since 0.1.0 */
export * as SqlConversationActivity from "./SqlConversationActivity.js"
/** @since 0.2.0 */
export * as SqlCredentials from "./SqlCredentials.js"
/** @since 0.2.0 */
export * as SqlEvidence from "./SqlEvidence.js"
/** @since 0.1.0 */
export * as SqlIdentityVault from "./SqlIdentityVault.js"
/** @since 0.1.0 */
export * as SqlInbox from "./SqlInbox.js"
/** @since 0.1.0 */
export * as SqlIntakeLedger from "./SqlIntakeLedger.js"
/** @since 0.1.0 */
export * as SqlMigrations from "./SqlMigrations.js"
/** @since 0.1.0 */
export * as SqlOutbox from "./SqlOutbox.js"
/** @since 0.1.0 */
export * as SqlRegister from "./SqlRegister.js"
/** @since 0.1.0 */
export * as SqlStatistics from "./SqlStatistics.js"
/** @since 0.1.0 */
export * as SqlStorage from "./SqlStorage.js"
/** @since 0.1.0 */
export * as SqlTipStore from "./SqlTipStore.js"
/** @since 0.1.0 */
export * as SqlTransaction from "./SqlTransaction.js"
/** @since 0.1.0 */
export * as SqlUnitDirectory from "./SqlUnitDirectory.js"
