/**
 * The intake ledger: what intake remembers between messages. Which platform messages (or content hashes)
 * were already taken in and into which tip, which tip a reporter's conversation is currently feeding, who
 * reported each tip (as a vault fingerprint, never an identity), where to answer, and which of our sent
 * messages belong to which tip (so a reply to our acknowledgement is a follow-up).
 *
 * It is a small key-value port so that storage adapters can keep it in the same transaction as the tips.
 *
 * @since 0.1.0
 * @module
 */
export { Entry, IntakeLedger, IntakeLedgerError, layerMemory } from "./internal/intake/ledger.js"
