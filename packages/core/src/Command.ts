/**
 * Commands: what staff ask to do to a tip. Each is checked against the lifecycle's graph, its guard and the
 * actor's roles and scope before it becomes events ({@link Lifecycle}).
 *
 * @since 0.1.0
 */

export type { Name } from "./internal/lifecycle/command.js"
export { Command, Envelope } from "./internal/lifecycle/command.js"
