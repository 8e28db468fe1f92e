import type { Dimension, Group, GroupKey, OutcomeKey } from "../../Statistics.js"
import type { Category, LegalType } from "../lifecycle/category.js"
import { legalTypeLabels } from "../lifecycle/category.js"
import { type Status, statusLabels } from "../lifecycle/tip.js"
import type { Label } from "../shared/label.js"
import type { UnitId } from "../units/unit.js"
import { channelLabels, outcomeLabels } from "./labels.js"
import { Acc, measures } from "./measures.js"
import { monthKeys, monthLabel, type Window } from "./period.js"
import type { Scope } from "./units.js"

/** One value per grouped dimension, in the query's order; `null` is "no channel id". */
export type Values = ReadonlyArray<string | null>

/** A group's identity: its values, where "no value" (null) and an empty value stay apart. */
export const groupKey = (values: Values): string => JSON.stringify(values)

/** The groups of a query, each accumulated once, keyed by its values. */
export class Groups {
  private readonly byKey = new Map<string, { readonly values: Values; readonly acc: Acc }>()

  constructor(readonly dimensions: ReadonlyArray<Dimension>) {}

  acc(values: Values): Acc {
    const key = groupKey(values)
    let group = this.byKey.get(key)
    if (group === undefined) {
      group = { values, acc: new Acc() }
      this.byKey.set(key, group)
    }
    return group.acc
  }

  /**
   * Lists every child unit and every month of the period, even with nothing to count: a commune with no tips is
   * information. Only when every dimension can be listed, so that the rows stay a cross product.
   */
  seed(scope: Scope, window: Window): void {
    const lists: Array<ReadonlyArray<string>> = []
    for (const d of this.dimensions) {
      if (d === "unit") lists.push(scope.children.map((u) => u.id))
      else if (d === "calendar_month" || d === "police_month") lists.push(monthKeys(d, window))
      else return
    }
    if (lists.length === 0) return
    let rows: Array<Array<string>> = [[]]
    for (const list of lists) rows = rows.flatMap((row) => list.map((v) => [...row, v]))
    for (const row of rows) this.acc(row)
  }

  /** The groups in report order, with their keys, labels and measures. */
  finish(describe: Describe, reachOf: (values: Values) => number | null): ReadonlyArray<Group> {
    const rows = [...this.byKey.values()]
    rows.sort((a, b) => {
      for (let i = 0; i < this.dimensions.length; i++) {
        const c = describe.compare(this.dimensions[i], a.values[i], b.values[i])
        if (c !== 0) return c
      }
      return 0
    })
    return rows.map(({ acc, values }) => {
      const labels = values.map((v, i) => describe.label(this.dimensions[i], v))
      return {
        key: keyOf(this.dimensions, values),
        label: { vi: labels.map((l) => l.vi).join(" · "), en: labels.map((l) => l.en).join(" · ") },
        labels,
        measures: measures(acc, reachOf(values))
      }
    })
  }
}

/** The report's key of a group's values. */
export const keyOf = (dimensions: ReadonlyArray<Dimension>, values: Values): GroupKey => {
  const key: { -readonly [K in keyof GroupKey]: GroupKey[K] } = {}
  dimensions.forEach((d, i) => {
    const v = values[i]
    switch (d) {
      case "unit":
        key.unit = v as UnitId
        return
      case "category":
        key.category = v!
        return
      case "channel":
        key.channel = v!
        return
      case "channel_id":
        key.channelId = v
        return
      case "status":
        key.status = v as Status
        return
      case "outcome":
        key.outcome = v as OutcomeKey
        return
      case "calendar_month":
        key.calendarMonth = v!
        return
      case "police_month":
        key.policeMonth = v!
        return
      case "legal_type":
        key.legalType = v as LegalType
    }
  })
  return key
}

/** Labels and order of dimension values. */
export interface Describe {
  readonly label: (dimension: Dimension, value: string | null) => Label
  readonly compare: (dimension: Dimension, a: string | null, b: string | null) => number
}

const indexIn = (list: ReadonlyArray<string>) => {
  const map = new Map(list.map((v, i) => [v, i]))
  return (v: string | null) => (v === null ? Number.MAX_SAFE_INTEGER : (map.get(v) ?? list.length))
}

const byText = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1)

const text = (s: string, fallback: Label): Label => (s.trim() === "" ? fallback : { vi: s.trim(), en: s.trim() })

/**
 * The labels and order of a query's values. Channels: the built-ins in their order, then any other by id, labelled by
 * `channels` (see `channelNames`) or by the id itself.
 *
 * @internal
 */
export const describe = (
  scope: Scope,
  taxonomy: ReadonlyMap<string, Category>,
  channels: ReadonlyMap<string, Label>
): Describe => {
  const ordinal = {
    category: indexIn([...taxonomy.keys()]),
    channel: indexIn(Object.keys(channelLabels)),
    status: indexIn(Object.keys(statusLabels)),
    outcome: indexIn(Object.keys(outcomeLabels)),
    legal_type: indexIn(Object.keys(legalTypeLabels))
  }
  const noChannelId: Label = { vi: "(không có mã kênh)", en: "(no channel id)" }
  return {
    label: (dimension, value) => {
      switch (dimension) {
        case "unit": {
          const name = scope.name(value as UnitId)
          return value === scope.root.id ? { vi: `${name.vi} (trực tiếp)`, en: `${name.en} (directly)` } : name
        }
        case "category":
          return taxonomy.get(value!)?.label ?? text(value!, { vi: "(trống)", en: "(empty)" })
        case "channel":
          return channels.get(value!) ?? { vi: value!, en: value! }
        case "channel_id":
          return value === null ? noChannelId : text(value, noChannelId)
        case "status":
          return statusLabels[value as Status]
        case "outcome":
          return outcomeLabels[value as OutcomeKey]
        case "calendar_month":
        case "police_month":
          return monthLabel(dimension, value!)
        case "legal_type":
          return legalTypeLabels[value as LegalType]
      }
    },
    compare: (dimension, a, b) => {
      switch (dimension) {
        case "unit":
          return scope.order(a as UnitId) - scope.order(b as UnitId) || byText(a, b)
        case "category":
        case "channel":
        case "status":
        case "outcome":
        case "legal_type":
          return ordinal[dimension](a) - ordinal[dimension](b) || byText(a, b)
        default:
          return byText(a, b)
      }
    }
  }
}
