/**
 * Bindings: which unit owns which channel. A channel (a Zalo OA, a Facebook page, a Zalo bot, a web form)
 * is bound to the unit that runs it; a conversation on it (an OA group, a page post) can be bound to a
 * unit of its own (the seed: 102 fanpages and 1,326 groups bound to wards, communes and residential groups).
 *
 * @since 0.1.0
 * @module
 */
export { Binding, BindingError, Bindings, layerMemory, reach } from "./internal/intake/binding.js"
