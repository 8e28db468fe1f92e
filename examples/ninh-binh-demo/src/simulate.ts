import { Actor, LocalDate, StatisticalPeriod, type Tip, type Unit, UnitHierarchy } from "@tinbao/core"
import { DateTime, Effect, Option } from "effect"
import { command, DAY, type Env, HOUR, ordinaryTip, receiptTime, type Staff, type Step, step } from "./plan.js"
import type { Random } from "./random.js"

/** What the simulation did that the report should point out. */
export interface Highlight {
  readonly key: number
  readonly label: string
}

export interface Plan {
  readonly steps: ReadonlyArray<Step>
  readonly highlights: ReadonlyArray<Highlight>
  readonly staff: Staff
  /** The police the wards and communes answer to at the end of the year, whose units the report lists. */
  readonly root: Unit.UnitId
}

/** A ward or commune in the year: the first and the last day of the year on which it holds. */
interface Life {
  readonly unit: Unit.Unit
  readonly first: LocalDate.LocalDate
  readonly last: LocalDate.LocalDate
}

/**
 * The wards and communes under the root on any day of the year, in the order of the tree: those of its first day,
 * then those established on its change dates. In a year of a restructuring (2025: the city police dissolved in
 * March, its wards merged in July) a unit holds for part of the year only, and takes tips only then.
 */
const livesIn = (
  hierarchy: UnitHierarchy.UnitHierarchy,
  root: Unit.UnitId,
  range: StatisticalPeriod.DateRange
): ReadonlyArray<Life> => {
  const days = [range.first, ...UnitHierarchy.dates(hierarchy).filter((d) => d > range.first && d <= range.last)]
  const lives = new Map<Unit.UnitId, Life>()
  for (const day of days) {
    for (const id of UnitHierarchy.subtree(hierarchy, root, day)) {
      const kind = Option.getOrThrow(UnitHierarchy.get(hierarchy, id, day)).kind
      if (lives.has(id) || (kind !== "ward" && kind !== "commune")) continue
      const end = UnitHierarchy.versions(hierarchy, id).at(-1)!.validTo
      const last = end === undefined || end > range.last ? range.last : LocalDate.addDays(end, -1)
      // As it stands on its last day in the year: where it sits in the tree when the year (or its life) ends.
      lives.set(id, { unit: Option.getOrThrow(UnitHierarchy.get(hierarchy, id, last)), first: day, last })
    }
  }
  return [...lives.values()]
}

const handlerOf = (unit: Unit.UnitId) => Actor.make(`truc-ban-${unit}`, unit, ["officer", "leader"])

/**
 * Plans a police statistical year: ordinary tips for every ward and commune, 26 tips for Ninh Tiến,
 * all resolved, and the cases that show the rest of the lifecycle.
 */
export const plan = (
  random: Random,
  hierarchy: UnitHierarchy.UnitHierarchy,
  year: number,
  options: { readonly root: Unit.UnitId; readonly ninhTien: Unit.UnitId }
): Plan => {
  const range = StatisticalPeriod.policeYear(year)
  const yearDays = LocalDate.daysBetween(range.first, range.last)
  const lives = livesIn(hierarchy, options.root, range)
  const whole = (life: Life) => life.first === range.first && life.last === range.last
  const staff: Staff = {
    handler: handlerOf,
    custodian: Actor.make("quan-ly-danh-tinh", options.root, ["identity_custodian"])
  }
  const steps: Array<Step> = []
  const highlights: Array<Highlight> = []
  let key = 0
  for (const life of lives) {
    const { unit } = life
    const ninhTien = unit.id === options.ninhTien && whole(life)
    const count = ninhTien ? 26 : random.int(8, 16)
    const days = LocalDate.daysBetween(life.first, life.last)
    // A unit that holds for part of the year gets its share of the tips, each received and decided while it holds.
    const partial = !whole(life)
    const mustResolveBy = DateTime.toEpochMillis(LocalDate.endOf(life.last)) - DAY
    const tipsOfUnit = partial ? (days < 60 ? 0 : Math.round((count * days) / yearDays)) : count
    for (let i = 0; i < tipsOfUnit; i++) {
      // Ninh Tiến resolved all 26 of its tips in the year (the seed article): receive them early enough.
      const last = ninhTien || partial ? LocalDate.addDays(life.last, -45) : undefined
      const at = receiptTime(random, life, last)
      // About a third of the tips come through the unit's web form (the reference channel adapter); of the others,
      // the Zalo ones through the unit's Zalo OA and the Facebook ones through its fanpage.
      const viaWeb = random.chance(0.3)
      steps.push(
        ...ordinaryTip(random, staff, unit, key++, at, {
          viaWeb,
          throughPlatforms: true,
          ...(ninhTien || partial ? { mustResolveBy } : {})
        })
      )
    }
  }
  // The cases below run from the 40th to the 295th day: on units that hold the whole year (none in 2025).
  const units = lives.filter(whole).map((life) => life.unit)
  const [a, b, c] = units.filter((u) => u.id !== options.ninhTien)
  const parentOf = (u: Unit.Unit) => u.parent!
  const at = (day: number) => DateTime.toEpochMillis(LocalDate.startOf(LocalDate.addDays(range.first, day))) + 9 * HOUR
  const add = (label: string, list: ReadonlyArray<Step>, k: number) => {
    steps.push(...list)
    highlights.push({ key: k, label })
  }
  const receiveOnly = (unit: Unit.Unit, t: number, k: number) =>
    ordinaryTip(random, staff, unit, k, t)
      .slice(0, 1)
      .map((s) => ({ ...s, run: forceCriminal(s.run) }))

  if (a && b && c) {
    // A serious case escalated from the ward to the police above it, which accepts and decides.
    let k = key++
    const upper = handlerOf(parentOf(a))
    add(
      "Chuyển lên cấp trên (escalation) and accepted / chuyển và tiếp nhận",
      [
        ...receiveOnly(a, at(40), k),
        step(at(40) + 3 * HOUR, k, handlerOf(a.id), {
          _tag: "Escalate",
          reason: "Vụ việc có dấu hiệu tội phạm nghiêm trọng"
        }),
        step(at(40) + 5 * HOUR, k, upper, { _tag: "AcceptTransfer" }),
        step(at(52), k, upper, { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })
      ],
      k
    )
    // A transfer to a neighbouring ward, refused: the tip stays and is handled where it was received.
    k = key++
    add(
      "Chuyển ngang bị từ chối / transfer refused",
      [
        ...receiveOnly(b, at(75), k),
        step(at(75) + 2 * HOUR, k, handlerOf(b.id), {
          _tag: "RequestTransfer",
          to: c.id,
          reason: "Địa điểm xảy ra thuộc địa bàn khác"
        }),
        step(at(75) + 6 * HOUR, k, handlerOf(c.id), {
          _tag: "RefuseTransfer",
          reason: "Địa điểm thuộc địa bàn phường gửi"
        }),
        step(at(75) + 8 * HOUR, k, handlerOf(b.id), { _tag: "Accept" }),
        step(at(88), k, handlerOf(b.id), { _tag: "Resolve", outcome: { _tag: "NotProsecuted", ground: "no_crime" } })
      ],
      k
    )
    // A complex case: extended to two months, then by the procuracy.
    k = key++
    const first = range.first
    add(
      "Gia hạn xác minh (complex) và VKS gia hạn / extensions",
      [
        ...receiveOnly(c, at(100), k),
        step(at(100) + 4 * HOUR, k, handlerOf(c.id), { _tag: "Acknowledge" }),
        step(at(100) + 5 * HOUR, k, handlerOf(c.id), { _tag: "Accept" }),
        step(at(115), k, handlerOf(c.id), { _tag: "ExtendVerification", reason: "Vụ việc phức tạp, nhiều địa điểm" }),
        step(at(145), k, handlerOf(c.id), {
          _tag: "GrantProcuracyExtension",
          requestedOn: LocalDate.addDays(first, 145),
          until: LocalDate.addDays(first, 200),
          decision: "Quyết định gia hạn thời hạn giải quyết nguồn tin của Viện kiểm sát"
        }),
        step(at(190), k, handlerOf(c.id), { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })
      ],
      k
    )
    // Verification suspended after its period expired, awaiting a valuation, then restored and decided.
    k = key++
    add(
      "Tạm đình chỉ rồi phục hồi / suspended and restored",
      [
        ...receiveOnly(a, at(200), k),
        step(at(200) + 3 * HOUR, k, handlerOf(a.id), { _tag: "Acknowledge" }),
        step(at(200) + 4 * HOUR, k, handlerOf(a.id), { _tag: "Accept" }),
        step(at(221) + 2 * HOUR, k, handlerOf(a.id), {
          _tag: "Suspend",
          ground: "a",
          reason: "Chờ kết quả định giá tài sản"
        }),
        step(at(221) + 6 * HOUR, k, handlerOf(a.id), { _tag: "NotifySuspension" }),
        step(at(250), k, handlerOf(a.id), { _tag: "Restore", reason: "Đã có kết quả định giá tài sản" }),
        step(at(265), k, handlerOf(a.id), { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })
      ],
      k
    )
    // The same incident reported twice within the hour: the second is merged into the first.
    const original = key++
    k = key++
    add(
      "Tin trùng được gộp / duplicate merged",
      [
        ...receiveOnly(b, at(230), original),
        ...receiveOnly(b, at(230) + HOUR, k),
        step(at(230) + 2 * HOUR, original, handlerOf(b.id), { _tag: "Acknowledge" }),
        {
          at: at(230) + 2 * HOUR,
          key: k,
          run: (env, tip, other) => command(handlerOf(b.id), { _tag: "MergeInto", target: other(original)! })(env, tip)
        },
        step(at(230) + 3 * HOUR, original, handlerOf(b.id), { _tag: "Accept" }),
        step(at(240), original, handlerOf(b.id), {
          _tag: "Resolve",
          outcome: { _tag: "NotProsecuted", ground: "not_a_crime" }
        })
      ],
      k
    )
    highlights.push({ key: original, label: "Tin gốc của tin trùng / the tip the duplicate was merged into" })
    // The reporter is summoned as a witness: the identity custodian reveals who they are, with a reason.
    k = key++
    add(
      "Tiết lộ danh tính có lý do / identity revealed",
      [
        ...receiveOnly(c, at(280), k),
        step(at(280) + 2 * HOUR, k, handlerOf(c.id), { _tag: "Acknowledge" }),
        step(at(280) + 3 * HOUR, k, handlerOf(c.id), { _tag: "Accept" }),
        {
          at: at(285),
          key: k,
          run: ({ tips }: Env, tip: Tip.Tip | undefined) =>
            Effect.zipRight(
              tips.revealIdentity(
                staff.custodian,
                tip!.id,
                tip!.version,
                "Triệu tập người báo tin làm chứng theo yêu cầu của Cơ quan điều tra"
              ),
              tips.get(staff.custodian, tip!.id)
            )
        },
        step(at(295), k, handlerOf(c.id), { _tag: "Resolve", outcome: { _tag: "Prosecuted" } })
      ],
      k
    )
  }
  // Grouped by the police above the units that hold at the end of the year.
  const atEnd = lives.find((life) => life.last === range.last)
  const root = atEnd === undefined ? options.root : (atEnd.unit.parent ?? options.root)
  return { steps, highlights, staff, root }
}

const forceCriminal =
  (run: Step["run"]): Step["run"] =>
  (env, tip, other) =>
    run(
      {
        ...env,
        tips: { ...env.tips, receive: (actor, input) => env.tips.receive(actor, { ...input, legalType: "to_giac" }) }
      },
      tip,
      other
    )
