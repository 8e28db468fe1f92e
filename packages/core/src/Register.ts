/**
 * The register (sổ tiếp nhận): every tip a unit receives is entered under the next number of the unit's police
 * statistical year (15 December to 14 December), with no gaps and no repeats, and gets a code such as
 * "NTIEN-2024-0026" that a reporter can quote back in a message.
 *
 * @since 0.1.0
 * @module
 */

export type { AssignInput, ParsedCode } from "./internal/register/register.js"
export {
  codeOf,
  layerMemory,
  makeMemory,
  parseCode,
  Register,
  RegisterEntry,
  RegisterError,
  UnitTag,
  unitTagOf,
  yearOf
} from "./internal/register/register.js"
