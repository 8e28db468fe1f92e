/**
 * The register (sổ tiếp nhận): every tip a unit receives is entered under the next number of the unit's police
 * statistical year (15 December to 14 December), with no gaps and no repeats, and gets a code such as
 * "NTIEN-2024-0026" that a reporter can quote back in a message.
 *
 * @since 0.1.0
 */
export { UnitTag, unitTagOf, codeOf, parseCode, yearOf, RegisterEntry, RegisterError, Register, makeMemory, layerMemory } from "./internal/register/register.js"
export type { ParsedCode, AssignInput } from "./internal/register/register.js"
