/**
 * Routing: ordered rules that choose the unit a new tip goes to, and the category it starts with. The first
 * rule that matches decides, and its description is recorded on the tip (`routedBy`).
 *
 * - `Binding`: the unit the channel, or the conversation, is bound to. The default and usual last rule.
 * - `Keyword`: the text contains one of the words (case and diacritics ignored): send it to `unit`
 *   (e.g. drugs to the provincial drug squad).
 * - `Area`: the message carries a location inside the polygon: send it to `unit` (a city fanpage's tip about
 *   a street in a ward goes to that ward).
 *
 * The category is the first of the taxonomy whose keywords appear in the text, else `other`.
 *
 * @since 0.1.0
 * @module
 */

export type { Route } from "./internal/intake/routing.js"
export { categorize, Rule, route } from "./internal/intake/routing.js"
