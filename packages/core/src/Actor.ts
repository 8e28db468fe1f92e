/**
 * Who acts: an officer or a system process, with the unit they belong to and their roles.
 *
 * @since 0.1.0
 */
export { ActorId, Role, roleLabels, Actor, hasRole, make } from "./internal/access/actor.js"
