/**
 * Bilingual labels: Vietnamese first, English beside it.
 *
 * @since 0.1.0
 * @module
 */
export { Label, make } from "./internal/shared/label.js"
