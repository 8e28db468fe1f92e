/**
 * The unit directory (danh bạ đơn vị): where the changes to the unit hierarchy are stored, and the hierarchy
 * they build, kept ready for fast queries.
 *
 * A storage adapter only stores the change log ({@link Backend}); {@link make} derives the service from it,
 * checks each batch against the hierarchy's rules before it is stored, and keeps the hierarchy cached.
 *
 * @since 0.1.0
 * @module
 */

export type { Backend, Options } from "./internal/units/directory.js"
export {
  answeringUnitOf,
  layerMemory,
  make,
  makeMemory,
  memoryBackend,
  reconcile,
  subtreeOf,
  UnitDirectory,
  UnitDirectoryError,
  UnitLogError
} from "./internal/units/directory.js"
