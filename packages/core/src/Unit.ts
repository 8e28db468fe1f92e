/**
 * Units (đơn vị): the police of a province, a commune or ward, a police post, a residential
 * group's security team, or a partner agency beside the tree.
 *
 * @since 0.1.0
 * @module
 */
export { displayName, isValidAt, kindLabels, OfficialCode, Unit, UnitId, UnitKind } from "./internal/units/unit.js"
