/**
 * What a tip is about (the category) and what it is in law (the legal type). The two are separate:
 * a tip about drugs may be a denunciation (tố giác) or mere feedback (phản ánh); the legal type
 * decides which deadline regime applies.
 *
 * @since 0.1.0
 * @module
 */

export type { Track } from "./internal/lifecycle/category.js"
export {
  Category,
  CategoryId,
  LegalType,
  legalTypeLabels,
  standard,
  taxonomy,
  trackOf
} from "./internal/lifecycle/category.js"
