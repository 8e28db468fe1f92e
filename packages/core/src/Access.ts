/**
 * Access: an actor's scope is its unit's subtree as of now. Every command and query checks it,
 * and nothing outside the scope is readable.
 *
 * - A tip is readable when the unit holding it, or any unit that held it, or the unit a transfer
 *   is waiting on, is inside the scope: a commune that transferred a tip up can still follow it.
 * - A command may be given when the unit holding the tip is inside the scope; answering a transfer
 *   (accept or refuse) needs the receiving unit inside the scope instead.
 * - The actor is never trusted as given: every entry point decodes it with the `Actor` schema first, and a
 *   malformed one (roles that are not an array of roles, an empty id) is `AccessDenied` with reason `actor`.
 *
 * @since 0.1.0
 * @module
 */

export type { Within } from "./internal/access/access.js"
export {
  AccessDenied,
  canRead,
  decodeActor,
  outOfScope,
  requireRole,
  unitActingOn
} from "./internal/access/access.js"
