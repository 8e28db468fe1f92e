/**
 * Who acts: an officer or a system process, with the unit they belong to and their roles.
 *
 * @since 0.1.0
 * @module
 */
export { Actor, ActorId, hasRole, make, Role, roleLabels } from "./internal/access/actor.js"
