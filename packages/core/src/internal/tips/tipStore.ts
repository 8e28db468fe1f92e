import { Chunk, Context, Effect, Layer, Option, Schema, Stream } from "effect"
import * as DateTime from "effect/DateTime"
import type {
  Append,
  Encoded,
  EncodedPageQuery,
  IndexRow,
  Page,
  PageQuery,
  Query,
  StoredEvent
} from "../../TipStore.js"
import { fold, isOpen, type Tip, type TipId } from "../lifecycle/tip.js"
import { TipEvent } from "../lifecycle/tipEvent.js"
import { problems, withhold } from "../shared/withheld.js"

/**
 * The one error of the tip store. `conflict`: the tip's version was not the one expected (someone else
 * changed it first); `unavailable`: the backend cannot be reached; `corrupt`: what was read back is not a
 * valid event; `invalid`: the request itself is malformed (e.g. an empty batch).
 *
 * @since 0.1.0
 * @category errors
 */
export class TipStoreError extends Schema.TaggedError<TipStoreError>("@tinbao/core/TipStoreError")("TipStoreError", {
  reason: Schema.Literal("conflict", "unavailable", "corrupt", "invalid"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * The tip store as users see it.
 *
 * @since 0.1.0
 * @category tags
 */
export class TipStore extends Context.Tag("@tinbao/core/TipStore")<
  TipStore,
  {
    /** Appends to one or more tips atomically: all or nothing. Returns the new states, in batch order. */
    readonly append: (batch: ReadonlyArray<Append>) => Effect.Effect<ReadonlyArray<Tip>, TipStoreError>
    /** The tip's current state, or `undefined` when there is no such tip. */
    readonly get: (tip: TipId) => Effect.Effect<Tip | undefined, TipStoreError>
    /** The tip's events in order (empty when there is no such tip). */
    readonly events: (tip: TipId) => Effect.Effect<ReadonlyArray<TipEvent>, TipStoreError>
    /** The tips that match a query, oldest receipt first. */
    readonly list: (query: Query) => Effect.Effect<ReadonlyArray<Tip>, TipStoreError>
    /**
     * One page of the tips that match, newest first by register year, number and id; `next` is there when more
     * tips may follow (the last page can be empty when the tips end exactly at a page's end).
     *
     * @since 0.3.0
     */
    readonly page: (query: PageQuery) => Effect.Effect<Page, TipStoreError>
    /** Every event of every tip in log order, from a position (exclusive; 0 for the start). */
    readonly stream: (after?: number) => Stream.Stream<StoredEvent, TipStoreError>
  }
>() {}

const encodeEvents = Schema.encode(Schema.Array(TipEvent))
const decodeEvents = Schema.decodeUnknown(Schema.Array(TipEvent))
const decodeEvent = Schema.decodeUnknown(TipEvent)

const corrupt = (tip: string) => (cause: unknown) =>
  new TipStoreError({ reason: "corrupt", message: `The stored events of tip ${tip} are not valid events.`, cause })

const PAGE = 1000

/** @internal */
export const onChannel = (
  row: { readonly channel: string; readonly channelId?: string | undefined },
  channel: string
) =>
  row.channelId === channel ||
  row.channel === channel ||
  (row.channelId !== undefined && (row.channelId.startsWith(`${channel}:`) || row.channelId.startsWith(`${channel}-`)))

/** @internal */
export const indexRowOf = (state: Tip): IndexRow => ({
  unit: state.unit,
  receivedAt: DateTime.toEpochMillis(state.receivedAt),
  open: isOpen(state),
  registerYear: state.registerYear,
  registerNumber: state.registerNumber,
  status: state.status,
  channel: state.channel,
  channelId: state.channelId,
  category: state.category
})

type PageKeyOf = { readonly registerYear: number; readonly registerNumber: number; readonly tip: string }

/** Newest first: a negative answer puts `a` before `b`. @internal */
export const comparePageKeys = (a: PageKeyOf, b: PageKeyOf): number =>
  b.registerYear - a.registerYear || b.registerNumber - a.registerNumber || (a.tip < b.tip ? 1 : a.tip > b.tip ? -1 : 0)

/** Whether an index row matches a page query's filters (all but the key and the limit). @internal */
export const matchesPage = (row: IndexRow, q: EncodedPageQuery): boolean =>
  (q.receivedFrom === undefined || row.receivedAt >= q.receivedFrom) &&
  (q.receivedBefore === undefined || row.receivedAt < q.receivedBefore) &&
  (q.open === undefined || row.open === q.open) &&
  (q.status === undefined || q.status.includes(row.status)) &&
  (q.channel === undefined || onChannel(row, q.channel)) &&
  (q.category === undefined || row.category === q.category)

/** @internal */
export const makeEncoded = (store: Encoded): TipStore["Type"] => {
  const events = (tip: TipId) =>
    Effect.flatMap(store.read(tip), (raw) => Effect.mapError(decodeEvents(raw), corrupt(tip)))
  const get = (tip: TipId) => Effect.map(events(tip), fold)

  const append: TipStore["Type"]["append"] = (batch) =>
    Effect.gen(function* () {
      if (batch.length === 0 || batch.some((a) => a.events.length === 0)) {
        return yield* new TipStoreError({ reason: "invalid", message: "An append needs at least one event per tip." })
      }
      if (new Set(batch.map((a) => a.tip)).size !== batch.length) {
        return yield* new TipStoreError({ reason: "invalid", message: "An append names each tip once." })
      }
      const rows = yield* Effect.forEach(batch, (a) =>
        Effect.gen(function* () {
          if (a.events.some((e) => e.tip !== a.tip)) {
            return yield* new TipStoreError({
              reason: "invalid",
              message: `Every event appended to ${a.tip} must name it.`
            })
          }
          const current = a.expectedVersion === 0 ? [] : yield* events(a.tip)
          if (current.length !== a.expectedVersion) {
            return yield* new TipStoreError({
              reason: "conflict",
              message: `Tip ${a.tip} is at version ${current.length}, not ${a.expectedVersion}: someone changed it first.`
            })
          }
          const log = [...current, ...a.events]
          const state = yield* Effect.try({
            try: () => fold(log)!,
            catch: (cause) =>
              new TipStoreError({ reason: "invalid", message: `These events do not follow tip ${a.tip}'s log.`, cause })
          })
          const encoded = yield* Effect.mapError(
            encodeEvents(a.events),
            (cause) =>
              new TipStoreError({
                reason: "invalid",
                message: `An event to append is malformed: ${problems(cause.issue)}.`,
                cause: withhold(cause)
              })
          )
          const index = indexRowOf(state)
          return { row: { tip: a.tip, expectedVersion: a.expectedVersion, events: encoded, index, log, state }, state }
        })
      )
      yield* store.append(rows.map((r) => r.row))
      return rows.map((r) => r.state)
    })

  const list: TipStore["Type"]["list"] = (q) =>
    Effect.gen(function* () {
      const ids = yield* store.query({
        ...(q.units !== undefined ? { units: q.units } : {}),
        ...(q.receivedFrom !== undefined ? { receivedFrom: DateTime.toEpochMillis(q.receivedFrom) } : {}),
        ...(q.receivedBefore !== undefined ? { receivedBefore: DateTime.toEpochMillis(q.receivedBefore) } : {}),
        ...(q.open !== undefined ? { open: q.open } : {})
      })
      const tips = yield* Effect.forEach(ids, (id) => get(id as TipId))
      return tips.filter((t): t is Tip => t !== undefined)
    })

  const page: TipStore["Type"]["page"] = (q) =>
    Effect.gen(function* () {
      if (!Number.isSafeInteger(q.limit) || q.limit < 1) {
        return yield* new TipStoreError({
          reason: "invalid",
          message: `A page holds at least one tip: the limit must be a positive integer, not ${q.limit}.`
        })
      }
      // One more than the page, to know whether another page follows without counting.
      const ids = yield* store.queryPage({
        ...(q.units !== undefined ? { units: q.units } : {}),
        ...(q.receivedFrom !== undefined ? { receivedFrom: DateTime.toEpochMillis(q.receivedFrom) } : {}),
        ...(q.receivedBefore !== undefined ? { receivedBefore: DateTime.toEpochMillis(q.receivedBefore) } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.channel !== undefined ? { channel: q.channel } : {}),
        ...(q.category !== undefined ? { category: q.category } : {}),
        ...(q.after !== undefined
          ? {
              after: { registerYear: q.after.registerYear, registerNumber: q.after.registerNumber, tip: q.after.id }
            }
          : {}),
        limit: q.limit + 1
      })
      const shown = ids.slice(0, q.limit)
      const tips = (yield* Effect.forEach(shown, (id) => get(id as TipId))).filter((t): t is Tip => t !== undefined)
      const last = tips.at(-1)
      return ids.length > q.limit && last !== undefined
        ? { tips, next: { registerYear: last.registerYear, registerNumber: last.registerNumber, id: last.id } }
        : { tips }
    })

  const stream = (after = 0): Stream.Stream<StoredEvent, TipStoreError> =>
    Stream.paginateChunkEffect(after, (from) =>
      Effect.flatMap(store.page(from, PAGE), (rows) =>
        Effect.map(
          Effect.forEach(rows, (r) =>
            Effect.map(
              Effect.mapError(decodeEvent(r.event), corrupt(r.tip)),
              (event): StoredEvent => ({ position: r.position, tip: r.tip as TipId, version: r.version, event })
            )
          ),
          (decoded) =>
            [
              Chunk.unsafeFromArray(decoded),
              rows.length < PAGE ? Option.none<number>() : Option.some(rows[rows.length - 1]!.position)
            ] as const
        )
      )
    )

  return { append, get, events, list, page, stream }
}

/** @internal */
export const makeMemoryEncoded = (): Encoded => {
  const log: Array<{ position: number; tip: string; version: number; event: unknown }> = []
  const byTip = new Map<string, Array<unknown>>()
  const index = new Map<string, IndexRow>()
  return {
    append: (batch) =>
      Effect.suspend(() => {
        for (const a of batch) {
          const have = byTip.get(a.tip)?.length ?? 0
          if (have !== a.expectedVersion) {
            return Effect.fail(
              new TipStoreError({
                reason: "conflict",
                message: `Tip ${a.tip} is at version ${have}, not ${a.expectedVersion}: someone changed it first.`
              })
            )
          }
        }
        for (const a of batch) {
          const events = byTip.get(a.tip) ?? []
          for (const event of a.events) {
            events.push(event)
            log.push({ position: log.length + 1, tip: a.tip, version: events.length, event })
          }
          byTip.set(a.tip, events)
          index.set(a.tip, a.index)
        }
        return Effect.void
      }),
    read: (tip) => Effect.sync(() => [...(byTip.get(tip) ?? [])]),
    query: (q) =>
      Effect.sync(() => {
        const units = q.units === undefined ? undefined : new Set(q.units)
        const out: Array<[string, number]> = []
        for (const [tip, row] of index) {
          if (units !== undefined && !units.has(row.unit)) continue
          if (q.receivedFrom !== undefined && row.receivedAt < q.receivedFrom) continue
          if (q.receivedBefore !== undefined && row.receivedAt >= q.receivedBefore) continue
          if (q.open !== undefined && row.open !== q.open) continue
          out.push([tip, row.receivedAt])
        }
        return out.sort((a, b) => a[1] - b[1]).map(([tip]) => tip)
      }),
    queryPage: (q) =>
      Effect.sync(() => {
        const units = q.units === undefined ? undefined : new Set(q.units)
        const out: Array<PageKeyOf> = []
        for (const [tip, row] of index) {
          if (units !== undefined && !units.has(row.unit)) continue
          if (!matchesPage(row, q)) continue
          const key = { registerYear: row.registerYear, registerNumber: row.registerNumber, tip }
          if (q.after !== undefined && comparePageKeys(q.after, key) >= 0) continue
          out.push(key)
        }
        return out
          .sort(comparePageKeys)
          .slice(0, q.limit)
          .map((key) => key.tip)
      }),
    page: (after, limit) => Effect.sync(() => log.slice(after, after + limit))
  }
}

/**
 * The tip store in memory.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TipStore> = Layer.sync(TipStore, () => makeEncoded(makeMemoryEncoded()))
