// The tip line the crash, concurrency and outage tests run, shared by the test files and the child programs
// they spawn: which database, which keys, the Ninh Bình units and their Zalo channels, the messages citizens
// send, and intake over `@tinbao/sql` as an app would put it together.
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { Binding, Calendar, InboundMessage, Intake, type Routing, Tips, UnitDirectory } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { NinhBinh } from "@tinbao/testkit"
import { type ConfigError, DateTime, Effect, Layer, Redacted } from "effect"

/** A database a child program can open from its command line: an SQLite file or a PostgreSQL URL. */
export type Target =
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "pg"; readonly url: string }

/** The vault's keys in base64, passed to child programs so that every process opens the same vault. */
export interface Keys {
  readonly key: string
  readonly fingerprintKey: string
}

export const vaultOf = (keys: Keys): SqlStorage.Config["vault"] => ({
  keys: { k1: Redacted.make(keys.key) },
  currentKeyId: "k1",
  fingerprintKey: Redacted.make(keys.fingerprintKey)
})

export const storage = (target: Target, keys: Keys) =>
  target._tag === "sqlite"
    ? SqlStorage.layerSqlite({ filename: target.filename, vault: vaultOf(keys) })
    : SqlStorage.layerPg({ url: target.url, vault: vaultOf(keys) })

/** Six wards and communes of the city, each with a Zalo OA bound to it. */
const units = NinhBinh.cityUnitIds.slice(0, 6)

/** A tip about drugs goes to Ninh Tiến's police whatever channel it came in on: routed by a rule, not a binding. */
const drugsUnit = NinhBinh.unitIds.ninhTien

const channelOf = (unit: string): string => `zalo-oa:${unit}`

const rules: ReadonlyArray<Routing.Rule> = [
  { _tag: "Keyword", keywords: ["ma túy"], unit: drugsUnit },
  { _tag: "Binding" }
]

/** Intake and the tips service over storage, as an app puts them together. */
export const services = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Intake.layer({ rules }).pipe(
    Layer.provideMerge(Tips.layer()),
    Layer.provideMerge(Calendar.layerVietnam),
    Layer.provideMerge(layer)
  )

/** What the processes find ready: the units as of 2020 (all still in place today) and the channels bound. */
export const prepare = Effect.gen(function* () {
  yield* Effect.flatMap(UnitDirectory.UnitDirectory, (directory) => directory.record(NinhBinh.changes))
  const bindings = yield* Binding.Bindings
  yield* Effect.forEach(units, (unit) => bindings.bind(Binding.Binding.make({ channel: channelOf(unit), unit })), {
    discard: true
  })
})

const texts = [
  "Có người lạ đột nhập kho hàng ở tổ dân phố 5 lúc nửa đêm",
  "Nhóm thanh niên tụ tập đua xe trên đường Lê Hồng Phong",
  "Mất trộm xe máy trước cửa nhà văn hoá thôn",
  "Có đối tượng bán ma túy ở bãi đất trống cuối thôn",
  "Tranh chấp đất đai giữa hai hộ gia đình, có xô xát"
]

/**
 * The `number`-th message of one sender stream (`worker`, `fiber`): a new reporter each time, so that every
 * message makes a tip of its own, on the channel of one of the {@link units}, one in five about drugs.
 */
const photos = "http://127.0.0.1:9/photos"

export const message = (worker: string, fiber: number, number: number): InboundMessage.InboundMessage => {
  const id = `${worker}-${fiber}-${number}`
  return InboundMessage.InboundMessage.make({
    kind: "message",
    channel: channelOf(units[(fiber * 7 + number) % units.length]!),
    platformMessageId: id,
    conversation: InboundMessage.direct(`user-${id}`),
    sender: Redacted.make({ platformUserId: `user-${id}`, displayName: `Người báo tin ${id}` }),
    text: texts[number % texts.length]!,
    // Every third message brings a photo: its evidence record is written in the tip's own block. (Nothing fetches
    // it here: the port is closed.)
    ...(number % 3 === 0
      ? { attachments: [{ _tag: "Media" as const, media: "image" as const, url: `${photos}/${id}.jpg?oh=signature` }] }
      : {}),
    sentAt: DateTime.unsafeNow()
  })
}

/** A bare client on the target, for reading the tables directly. */
export const clientOf = (target: Target): Layer.Layer<SqlClient, ConfigError.ConfigError | SqlError> =>
  target._tag === "sqlite"
    ? SqliteClient.layer({ filename: target.filename })
    : PgClient.layer({ url: Redacted.make(target.url) })
