import type { Actor, Command, Intake, Tip, Tips, Unit } from "@tinbao/core"
import { Category, LocalDate, type StatisticalPeriod } from "@tinbao/core"
import { DateTime, Effect, Redacted } from "effect"
import * as Photos from "./photos.js"
import type { Random } from "./random.js"

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

/** A web-form event, as the site posts it (see `WebFormChannel` in `@tinbao/web`). */
export type WebEvent = Readonly<Record<string, unknown>>

/** A message a citizen sends to a unit's Zalo OA: Zalo's message id, the user's id on the OA, the text, the time. */
export interface ZaloMessage {
  readonly msgId: string
  readonly user: string
  readonly text: string
  readonly at: number
}

/**
 * What a citizen posts to a unit's fanpage: a Messenger message (Meta's `mid`, the person's page-scoped id), or a
 * comment under the page's post (its id, the commenter's id and name; `edited` when they change its text).
 */
export type FacebookMessage =
  | {
      readonly _tag: "Messenger"
      readonly mid: string
      readonly user: string
      readonly text: string
      readonly at: number
    }
  | {
      readonly _tag: "Comment"
      readonly commentId: string
      readonly user: string
      readonly name: string
      readonly text: string
      readonly at: number
      readonly verb: "add" | "edited"
    }

/**
 * What steps act through: the tips service, a unit's web-form channel, Zalo OA and fanpage, and the background
 * workers.
 */
export interface Env {
  readonly tips: Tips.Tips["Type"]
  /** Posts an event to the unit's web-form channel and takes its messages in; the last outcome. */
  readonly deliver: (unit: Unit.UnitId, event: WebEvent) => Effect.Effect<Intake.Outcome, unknown>
  /**
   * Delivers a message to the unit's Zalo OA as Zalo does (signed, `retry` times redelivered before) and takes it
   * in; the last outcome.
   */
  readonly deliverZalo: (
    unit: Unit.UnitId,
    message: ZaloMessage,
    retry: number
  ) => Effect.Effect<Intake.Outcome, unknown>
  /**
   * Delivers a Messenger message or a comment to the unit's fanpage as Meta does (signed with the app's secret,
   * `retry` times redelivered before) and takes it in; the last outcome.
   */
  readonly deliverFacebook: (
    unit: Unit.UnitId,
    message: FacebookMessage,
    retry: number
  ) => Effect.Effect<Intake.Outcome, unknown>
  /** One round of the outbox dispatcher, then one of the evidence worker. */
  readonly dispatch: Effect.Effect<void, unknown>
  /** The link to a photo the site serves for a form's attachment, by its name. */
  readonly photo: (name: string) => string
}

/** One step of the simulation, at a simulated time; it returns the tip's new state, if it has one. */
export interface Step {
  readonly at: number
  readonly key: number
  readonly label?: string
  readonly run: (
    env: Env,
    tip: Tip.Tip | undefined,
    other: (key: number) => Tip.TipId | undefined
  ) => Effect.Effect<Tip.Tip | undefined, unknown>
}

/** Who acts for a unit. */
export interface Staff {
  readonly handler: (unit: Unit.UnitId) => Actor.Actor
  readonly custodian: Actor.Actor
}

export const command = (actor: Actor.Actor, c: Command.Command) => (env: Env, tip: Tip.Tip | undefined) =>
  env.tips.execute(actor, { tip: tip!.id, expectedVersion: tip!.version, command: c })

const criminalCategories = [
  ["crime", 5],
  ["stolen_property", 6],
  ["online_fraud", 5],
  ["drugs", 3],
  ["online_gambling", 2],
  ["gangs", 1],
  ["debt_collection", 2],
  ["wanted_person", 1]
] as const
const feedbackCategories = [
  ["traffic", 5],
  ["urban_order", 4],
  ["environment", 4],
  ["other", 2]
] as const

const summaries: Record<string, ReadonlyArray<string>> = {
  crime: ["Có đối tượng lạ đột nhập nhà dân lúc nửa đêm.", "Hai nhóm thanh niên đánh nhau trước quán nước."],
  stolen_property: ["Mất trộm xe máy trước cửa nhà văn hoá thôn.", "Bị móc túi mất điện thoại ở chợ."],
  online_fraud: ["Nhận cuộc gọi giả danh công an yêu cầu chuyển tiền.", "Bị lừa đặt cọc mua hàng qua Facebook."],
  drugs: ["Nghi có người tụ tập sử dụng ma tuý ở nhà hoang.", "Thấy bơm kim tiêm vứt ở bãi đất trống."],
  online_gambling: ["Có nhóm cá độ bóng đá qua mạng tại quán internet."],
  gangs: ["Nhóm thanh niên mang hung khí đi lại trên đường đêm khuya."],
  debt_collection: ["Nhóm người lạ đến đòi nợ thuê, đe doạ gia đình.", "Tờ rơi cho vay nặng lãi dán khắp ngõ."],
  wanted_person: ["Nghi thấy đối tượng truy nã ở nhà trọ cuối ngõ."],
  traffic: ["Thanh niên đua xe lạng lách trên đường Lê Thái Tổ.", "Xe tải đỗ chắn lối vào trường học."],
  urban_order: ["Lấn chiếm vỉa hè bán hàng, gây cản trở đi lại.", "Hát karaoke quá giờ gây mất trật tự."],
  environment: ["Đổ trộm rác thải xây dựng ra ven sông.", "Cơ sở chăn nuôi xả thải gây ô nhiễm."],
  other: ["Đề nghị lắp thêm camera an ninh tại ngã ba."]
}

const instant = (date: LocalDate.LocalDate, hour: number, minute: number) =>
  DateTime.toEpochMillis(LocalDate.startOf(date)) + hour * HOUR + minute * 60 * 1000

/** The receipt time of a tip: a random day of the range, at a waking hour (Vietnam time). */
export const receiptTime = (random: Random, range: StatisticalPeriod.DateRange, lastDay?: LocalDate.LocalDate) => {
  const days = LocalDate.daysBetween(range.first, lastDay ?? range.last)
  return instant(LocalDate.addDays(range.first, random.int(0, days)), random.int(6, 21), random.int(0, 59))
}

/** Everything that happens to one ordinary tip: receipt, acknowledgement, acceptance, a decision. */
export const ordinaryTip = (
  random: Random,
  staff: Staff,
  unit: Unit.Unit,
  key: number,
  receivedAt: number,
  options: { readonly mustResolveBy?: number; readonly viaWeb?: boolean; readonly throughPlatforms?: boolean } = {}
): ReadonlyArray<Step> => {
  const actor = staff.handler(unit.id)
  const legalType = random.weighted([
    ["to_giac", 35],
    ["tin_bao", 25],
    ["phan_anh", 35],
    ["to_cao", 5]
  ] as const)
  const track = Category.trackOf(legalType)
  const category = random.weighted(track === "criminal" ? criminalCategories : feedbackCategories)
  const channel = random.weighted([
    ["zalo", 70],
    ["facebook", 30]
  ] as const)
  const summary = random.pick(summaries[category]!)
  // Zalo and Facebook tips reach the unit's OA and fanpage as the platforms deliver them, and go through intake like
  // the web forms' tips.
  const viaPlatform = options.throughPlatforms === true && !options.viaWeb
  const viaIntake = options.viaWeb === true || viaPlatform
  const steps: Array<Step> = options.viaWeb
    ? [...webReceipt(random, unit, key, receivedAt, summary)]
    : viaPlatform
      ? channel === "zalo"
        ? [...zaloReceipt(random, unit, key, receivedAt, summary)]
        : [...facebookReceipt(random, unit, key, receivedAt, summary)]
      : [
          {
            at: receivedAt,
            key,
            run: (env) =>
              env.tips.receive(actor, {
                unit: unit.id,
                channel,
                channelId: `${channel}-${unit.id}`,
                identity: reporter(random, channel),
                reporterKind: "individual",
                legalType,
                category: Category.CategoryId.make(category),
                summary
              })
          }
        ]
  // A tip through intake is acknowledged by the outbox's message; the others by an officer's notice.
  const ack = viaIntake
    ? receivedAt + 10 * 60 * 1000
    : receivedAt + (random.chance(0.07) ? random.int(4, 7) * DAY : random.int(1, 26) * HOUR)
  if (!viaIntake) steps.push({ at: ack, key, run: command(actor, { _tag: "Acknowledge" }) })
  // Intake files a tip as a crime report (tin báo) until an officer classifies it.
  if (viaIntake && legalType !== "tin_bao") {
    const reason = "Phân loại sau khi tiếp nhận qua cổng thông tin"
    steps.push({ at: ack + 30 * 60 * 1000, key, run: command(actor, { _tag: "Reclassify", to: legalType, reason }) })
  }
  const accept =
    Math.max(ack, receivedAt) + (random.chance(0.06) ? random.int(26, 40) * HOUR : random.int(1, 18) * HOUR)
  steps.push({ at: accept, key, run: command(actor, { _tag: "Accept" }) })
  if (random.chance(0.05)) {
    steps.push({
      at: receivedAt + 10 * 60 * 1000,
      key,
      run: command(actor, { _tag: "MarkUrgent", reason: "Sự việc đang diễn ra" })
    })
    steps.push({
      at: receivedAt + 15 * 60 * 1000,
      key,
      run: command(actor, { _tag: "Dispatch", team: "Tổ công tác trực ban" })
    })
    steps.push({ at: receivedAt + random.int(25, 50) * 60 * 1000, key, run: command(actor, { _tag: "ArriveOnSite" }) })
  }
  const late = random.chance(0.08)
  const days =
    track === "criminal"
      ? late
        ? random.int(22, 35)
        : random.int(3, 19)
      : late
        ? random.int(17, 30)
        : random.int(1, 14)
  let resolve = accept + days * DAY + random.int(0, 8) * HOUR
  if (options.mustResolveBy !== undefined) resolve = Math.min(resolve, options.mustResolveBy)
  const outcome: Command.Command =
    track === "criminal"
      ? {
          _tag: "Resolve",
          outcome: random.chance(0.3)
            ? { _tag: "Prosecuted" }
            : { _tag: "NotProsecuted", ground: random.pick(["no_crime", "not_a_crime", "no_victim_request"] as const) }
        }
      : track === "feedback"
        ? {
            _tag: "Resolve",
            outcome: random.chance(0.8)
              ? { _tag: "Handled", summary: "Đã kiểm tra, nhắc nhở và xử lý theo quy định." }
              : { _tag: "NotConfirmed" }
          }
        : { _tag: "Resolve", outcome: random.pick([{ _tag: "Founded" }, { _tag: "Unfounded" }] as const) }
  steps.push({ at: Math.max(resolve, accept + HOUR), key, run: command(actor, outcome) })
  return steps
}

let webSequence = 0

/**
 * A tip that arrives through the unit's web form: the message, the site redelivering it (absorbed as a
 * duplicate), a photo and the place a few minutes later (joined to the same tip), and the dispatcher sending
 * the acknowledgement while the evidence worker keeps the photo (or finds its link expired).
 */
const webReceipt = (random: Random, unit: Unit.Unit, key: number, at: number, text: string): ReadonlyArray<Step> => {
  const sender = {
    id: `wf-user-${random.int(100000, 999999)}`,
    name: `${random.pick(familyNames)} ${random.pick(givenNames)}`
  }
  const event = (extra: WebEvent, offset: number): WebEvent => ({
    type: "message",
    id: `wf-msg-${++webSequence}`,
    sender,
    time: at + offset,
    ...extra
  })
  const first = event({ text }, 0)
  const keep = (env: Env, tip: Tip.Tip | undefined) => Effect.as(env.dispatch, tip)
  const steps: Array<Step> = [
    {
      at,
      key,
      run: (env) =>
        Effect.map(env.deliver(unit.id, first), (outcome) => (outcome._tag === "Created" ? outcome.tip : undefined))
    },
    { at: at + 60 * 1000, key, run: (env, tip) => Effect.as(env.deliver(unit.id, first), tip) }
  ]
  if (random.chance(0.5)) {
    // Its link is the stand-in site's, known when the step runs; the tips take the photos in turn.
    const photo = event({}, 3 * 60 * 1000)
    const name = Photos.names[key % Photos.names.length]!
    const withLink = (env: Env): WebEvent => ({ ...photo, attachments: [{ type: "image", url: env.photo(name) }] })
    const place = event({ location: { latitude: 20.25 + random.int(0, 99) / 1e4, longitude: 105.97 } }, 4 * 60 * 1000)
    steps.push(
      { at: at + 3 * 60 * 1000, key, run: (env) => Effect.map(env.deliver(unit.id, withLink(env)), tipOf) },
      { at: at + 4 * 60 * 1000, key, run: (env) => Effect.map(env.deliver(unit.id, place), tipOf) }
    )
  }
  steps.push({ at: at + 10 * 60 * 1000, key, run: keep })
  return steps
}

let zaloSequence = 0

/**
 * A tip that arrives at the unit's Zalo OA: the message, Zalo delivering it again 30 seconds later (at least once:
 * absorbed as a duplicate), and the dispatcher sending the acknowledgement, as a reply that names the message,
 * within Zalo's free-reply quota.
 */
const zaloReceipt = (random: Random, unit: Unit.Unit, key: number, at: number, text: string): ReadonlyArray<Step> => {
  const message: ZaloMessage = {
    msgId: `zalo-msg-${++zaloSequence}`,
    user: String(random.int(100_000_000_000, 999_999_999_999)),
    text,
    at
  }
  return [
    {
      at,
      key,
      run: (env) => Effect.map(env.deliverZalo(unit.id, message, 0), (o) => (o._tag === "Created" ? o.tip : undefined))
    },
    { at: at + 30 * 1000, key, run: (env, tip) => Effect.as(env.deliverZalo(unit.id, message, 1), tip) },
    { at: at + 10 * 60 * 1000, key, run: (env, tip) => Effect.as(env.dispatch, tip) }
  ]
}

let facebookSequence = 0

/**
 * A tip that arrives at the unit's fanpage: most on Messenger, the rest as a comment under the page's post. Meta
 * delivers each at least once (a redelivery 30 seconds later, absorbed); a commenter edits the comment a minute
 * later (the new text joins the same tip); the dispatcher then acknowledges on Messenger within 24 hours, or
 * answers the commenter in private.
 */
const facebookReceipt = (
  random: Random,
  unit: Unit.Unit,
  key: number,
  at: number,
  text: string
): ReadonlyArray<Step> => {
  const n = ++facebookSequence
  const user = String(random.int(1_000_000_000, 9_999_999_999))
  const created = (o: Intake.Outcome) => (o._tag === "Created" ? o.tip : undefined)
  const dispatch: Step = { at: at + 10 * 60 * 1000, key, run: (env, tip) => Effect.as(env.dispatch, tip) }
  if (random.chance(0.65)) {
    const message: FacebookMessage = { _tag: "Messenger", mid: `m_demo_${n}`, user, text, at }
    return [
      { at, key, run: (env) => Effect.map(env.deliverFacebook(unit.id, message, 0), created) },
      { at: at + 30 * 1000, key, run: (env, tip) => Effect.as(env.deliverFacebook(unit.id, message, 1), tip) },
      dispatch
    ]
  }
  const comment: FacebookMessage = {
    _tag: "Comment",
    commentId: `c_demo_${n}`,
    user,
    name: `${random.pick(familyNames)} ${random.pick(givenNames)}`,
    text,
    at,
    verb: "add"
  }
  const edited: FacebookMessage = {
    ...comment,
    text: `${text} Bổ sung: sự việc vẫn đang tiếp diễn.`,
    at: at + 60 * 1000,
    verb: "edited"
  }
  return [
    { at, key, run: (env) => Effect.map(env.deliverFacebook(unit.id, comment, 0), created) },
    { at: at + 30 * 1000, key, run: (env, tip) => Effect.as(env.deliverFacebook(unit.id, comment, 1), tip) },
    { at: at + 60 * 1000, key, run: (env, tip) => Effect.as(env.deliverFacebook(unit.id, edited, 0), tip) },
    dispatch
  ]
}

const tipOf = (outcome: Intake.Outcome) =>
  outcome._tag === "Created" || outcome._tag === "Appended" ? outcome.tip : undefined

const familyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi"]
const givenNames = ["Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Quang Huy", "Ngọc Lan", "Văn Tùng"]

const reporter = (random: Random, channel: string) => {
  const name = `${random.pick(familyNames)} ${random.pick(givenNames)}`
  return Redacted.make({
    channel: `${channel}-oa`,
    platformUserId: `${channel}-user-${random.int(100000, 999999)}`,
    displayName: name,
    phone: `09${random.int(10000000, 99999999)}`
  })
}

/** The steps of a command given by an actor to a tip at a time. */
export const step = (at: number, key: number, actor: Actor.Actor, c: Command.Command, label?: string): Step => ({
  at,
  key,
  run: command(actor, c),
  ...(label !== undefined ? { label } : {})
})

export { DAY, HOUR }
