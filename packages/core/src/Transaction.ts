/**
 * The transaction port: storage writes that belong together commit together or not at all. A tip, its
 * register number, its sealed identity and its acknowledgement in the outbox are one fact; a crash between
 * two of them must not leave a numbered register entry without a tip, or a tip nobody will ever acknowledge.
 *
 * `Tips.receive` and `Intake.handle` run their writes through {@link Transaction}. A storage adapter whose
 * ports share one database provides it (`@tinbao/sql` does, batching concurrent callers into one database
 * transaction: group commit). Only storage work belongs inside: the effect may be run again from the start
 * when the database gives up on a transaction because of another one, and it holds the database while it runs.
 *
 * @since 0.1.0
 * @module
 */

export type { Options } from "./internal/tips/transaction.js"
export { atomically, layerMemory, Transaction, TransactionError } from "./internal/tips/transaction.js"
