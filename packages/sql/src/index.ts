/**
 * `@tinbao/sql`: tinbao's storage over `@effect/sql`, on SQLite (the embedded default) and PostgreSQL (the
 * scale path): migrations, the tip event store, the register, the encrypted identity vault and the unit
 * directory.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as SqlIdentityVault from "./SqlIdentityVault.js"
/** @since 0.1.0 */
export * as SqlMigrations from "./SqlMigrations.js"
/** @since 0.1.0 */
export * as SqlRegister from "./SqlRegister.js"
/** @since 0.1.0 */
export * as SqlStorage from "./SqlStorage.js"
/** @since 0.1.0 */
export * as SqlTipStore from "./SqlTipStore.js"
/** @since 0.1.0 */
export * as SqlUnitDirectory from "./SqlUnitDirectory.js"
