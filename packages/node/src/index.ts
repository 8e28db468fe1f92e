/**
 * `@tinbao/node`: tinbao without Effect. A tip line from plain configuration, with async functions, error classes
 * and a fetch-style webhook handler, for Express, NestJS or any Node server.
 *
 * @since 0.4.0
 * @packageDocumentation
 */

export * from "./TinbaoError.js"
export * from "./TipLine.js"
