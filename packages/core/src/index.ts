/**
 * `@tinbao/core`: the model of tinbao. Units and their history, the tip lifecycle with its legal deadlines,
 * access scopes, the reporter's identity vault, the register, and the ports with in-memory implementations.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as Label from "./Label.js"
/** @since 0.1.0 */
export * as LocalDate from "./LocalDate.js"
/** @since 0.1.0 */
export * as StatisticalPeriod from "./StatisticalPeriod.js"
/** @since 0.1.0 */
export * as Unit from "./Unit.js"
