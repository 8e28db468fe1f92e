/**
 * The tip event store over `@effect/sql`: events in `tip_events` (a unique tip and version, so the database
 * itself refuses a second writer at the same version), and one index row per tip in `tips` for listing. Each
 * append also writes the statistics projection (`SqlStatistics`) in the same transaction, with the calendar and
 * policy of `SqlStatistics.Basis` in the layer's context.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { StatisticsPlan, TipStore } from "@tinbao/core"
import { Effect, Layer, type ParseResult, Schema } from "effect"
import { type Gathering, withGathering } from "./internal/later.js"
import { prepare, prepareInsert, type Row } from "./internal/prepared.js"
import {
  Int,
  isContention,
  isUniqueViolation,
  makeGuardedWriter,
  makeWriter,
  sqlFailure
} from "./internal/sqlErrors.js"
import * as projection from "./internal/statisticsRows.js"
import { listingColumns, listingRow, pageStatement } from "./internal/tipListing.js"
import { Basis } from "./SqlStatistics.js"

const Count = Schema.Array(Schema.Struct({ n: Int }))
const Ids = Schema.Array(Schema.Struct({ tip: Schema.String }))
const Events = Schema.Array(Schema.Struct({ event: Schema.parseJson() }))
const Page = Schema.Array(Schema.Struct({ position: Int, tip: Schema.String, version: Int, event: Schema.parseJson() }))

// One tip's part of an append.
type Appended = Parameters<TipStore.Encoded["append"]>[0][number]

const unavailable = (cause: SqlError) =>
  new TipStore.TipStoreError(sqlFailure(cause, "invalid", "The tip store's database cannot be reached."))

const corrupt = (cause: ParseResult.ParseError) =>
  new TipStore.TipStoreError({ reason: "corrupt", message: "A stored event row is not valid JSON.", cause })

const boundary = <A>(effect: Effect.Effect<A, SqlError | ParseResult.ParseError | TipStore.TipStoreError>) =>
  effect.pipe(Effect.catchTags({ SqlError: unavailable, ParseError: corrupt }))

/**
 * The adapter-facing store over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEncoded: Effect.Effect<TipStore.Encoded, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient
  const write = yield* makeGuardedWriter(sql)
  const writeInline = yield* makeWriter(sql)
  const basis = yield* Basis
  const countEvents = prepare(sql, "SELECT count(*) AS n FROM tip_events WHERE tip = ?")
  const insertEvents = prepareInsert(sql, "tip_events", ["tip", "version", "event"])
  const insertFirstEvent = prepare(
    sql,
    "INSERT INTO tip_events (tip, version, event) VALUES (?, 1, ?) ON CONFLICT DO NOTHING RETURNING version"
  )
  const listingOf = (a: Appended) => listingRow(a.tip, a.index)
  const upsertIndex = prepareInsert(
    sql,
    "tips",
    listingColumns,
    `ON CONFLICT (tip) DO UPDATE SET ${listingColumns
      .slice(1)
      .map((column) => `${column} = excluded.${column}`)
      .join(", ")}`
  )
  const writeStatistics = projection.writer(sql)
  const writeIndex = (a: Appended) => upsertIndex([listingOf(a)])
  const listingWithBatch = prepareInsert(sql, "tips", listingColumns, "ON CONFLICT (tip) DO NOTHING")
  const statisticsWithBatch = prepareInsert(sql, "stat_tips", projection.stateColumns, "ON CONFLICT (tip) DO NOTHING")

  const versionOf = (tip: string) =>
    Effect.map(Effect.flatMap(countEvents([tip]), Schema.decodeUnknown(Count)), (rows) => rows[0]?.n ?? 0)

  // The statistics projection's rows are derived before the transaction opens, to keep it short, and written in it,
  // so that they exist exactly when the events do.
  const statisticsRows = (batch: ReadonlyArray<Appended>) =>
    Effect.try({
      try: () => {
        const rows = projection.emptyRows()
        for (const a of batch) {
          const from = Math.max(a.expectedVersion, 1)
          projection.addRows(rows, StatisticsPlan.tipFacts(a.log, { ...basis, from }), a.expectedVersion)
        }
        return rows
      },
      catch: (cause) =>
        new TipStore.TipStoreError({
          reason: "invalid",
          message: "These events do not fold into the statistics projection.",
          cause
        })
    })

  const conflict = (message: string) => new TipStore.TipStoreError({ reason: "conflict", message })
  const taken = (tip: string) => Effect.fail(conflict(`Tip ${tip} exists already: someone appended to it first.`))
  const versionConflict = (a: Appended, have: number) =>
    Effect.fail(conflict(`Tip ${a.tip} is at version ${have}, not ${a.expectedVersion}: someone changed it first.`))

  // A new tip's first event alone (what intake appends for every tip): a taken id makes the insert write
  // nothing, rather than fail, so it needs no savepoint to be undone on PostgreSQL (a round trip saved per tip).
  const appendFirst = (a: Appended, statistics: projection.Rows) =>
    writeInline(
      Effect.gen(function* () {
        const written = yield* insertFirstEvent([a.tip, JSON.stringify(a.events[0])])
        if (written.length === 0) return yield* taken(a.tip)
        yield* writeIndex(a)
        yield* writeStatistics(statistics)
      })
    )

  // In a group commit a new tip's rows are written with the batch; until then its events are read from the
  // batch, and its later events are left behind them, so they keep their order.
  const eventKey = (tip: string, version: number) => `${version}:${tip}`
  const leftEvents = (batch: Gathering, tip: string): ReadonlyArray<Row> | undefined => {
    const rows: Array<Row> = []
    for (let version = 1; ; version++) {
      const row = batch.pending(insertEvents, eventKey(tip, version))
      if (row === undefined) return rows.length === 0 ? undefined : rows
      rows.push(row)
    }
  }
  const leaveEvents = (batch: Gathering, a: Appended) =>
    a.events.forEach((event, i) => {
      const version = a.expectedVersion + i + 1
      batch.leave(insertEvents, { tip: a.tip, version, event: JSON.stringify(event) }, eventKey(a.tip, version))
    })

  // A first event makes one current statistics row, made at the flush and kept under any newer one (`DO NOTHING`);
  // any other row could not be written then without overwriting those, so the batch runs carefully.
  const appendFirstWithBatch = (batch: Gathering, a: Appended) => {
    if (batch.pending(insertEvents, eventKey(a.tip, 1)) !== undefined) return taken(a.tip)
    leaveEvents(batch, a)
    batch.leave(listingWithBatch, listingOf(a))
    batch.atFlush(
      Effect.flatMap(statisticsRows([a]), (statistics) => {
        const onlyCurrent = statistics.history.length + statistics.handovers.length + statistics.decisions.length === 0
        if (!onlyCurrent) return batch.runCarefully
        for (const row of statistics.current) batch.leave(statisticsWithBatch, row)
        return Effect.void
      })
    )
    return Effect.void
  }

  const appendWithBatch = (batch: Gathering, a: Appended, left: ReadonlyArray<Row>, statistics: projection.Rows) => {
    if (left.length !== a.expectedVersion) return versionConflict(a, left.length)
    leaveEvents(batch, a)
    return writeInline(Effect.zipRight(writeIndex(a), writeStatistics(statistics)))
  }

  const appendNow = (batch: ReadonlyArray<Appended>, statistics: projection.Rows) =>
    write(
      Effect.gen(function* () {
        // Every version is checked before the first row goes in, so that a conflict never leaves part of a
        // batch behind; the unique tip and version refuse a writer that comes between.
        for (const a of batch) {
          const have = yield* versionOf(a.tip)
          if (have !== a.expectedVersion) return yield* versionConflict(a, have)
        }
        for (const a of batch) {
          const rows = a.events.map((event, i) => ({
            tip: a.tip,
            version: a.expectedVersion + i + 1,
            event: JSON.stringify(event)
          }))
          yield* insertEvents(rows)
          yield* writeIndex(a)
        }
        yield* writeStatistics(statistics)
      })
    )

  const append: TipStore.Encoded["append"] = (batch) =>
    withGathering((gathering, own) => {
      const first = batch.length === 1 && batch[0]!.expectedVersion === 0 && batch[0]!.events.length === 1
      if (gathering !== undefined && own && first) return appendFirstWithBatch(gathering, batch[0]!)
      // An append to a tip new in this batch, alone and at its block's own level, goes behind the tip's events;
      // anywhere else (with other tips, in a savepoint) the batch runs again carefully.
      const left = gathering === undefined ? [] : batch.map((a) => leftEvents(gathering, a.tip))
      const fresh = left.some((events) => events !== undefined)
      if (fresh && !(own && batch.length === 1)) return gathering!.runCarefully
      return Effect.flatMap(statisticsRows(batch), (statistics) =>
        fresh
          ? appendWithBatch(gathering!, batch[0]!, left[0]!, statistics)
          : first
            ? appendFirst(batch[0]!, statistics)
            : appendNow(batch, statistics)
      )
    }).pipe(
      Effect.catchIf(
        (error) => error._tag === "SqlError" && isUniqueViolation(error),
        (cause) =>
          new TipStore.TipStoreError({
            reason: "conflict",
            message: "Another writer appended to one of these tips first; read it again and retry.",
            cause
          })
      ),
      // A deadlock or a busy file is not someone else's version: it keeps its cause, so that a group commit sees
      // the contention and runs the batch again rather than telling an officer the tip changed.
      Effect.catchIf(
        (error) => error._tag === "SqlError" && isContention(error),
        (cause) =>
          new TipStore.TipStoreError({
            reason: "unavailable",
            message: "The database gave up on this append because of another transaction; nothing was stored.",
            cause
          })
      ),
      boundary
    )

  const read: TipStore.Encoded["read"] = (tip) =>
    withGathering((batch) => {
      const left = batch === undefined ? undefined : leftEvents(batch, tip)
      const rows =
        left !== undefined
          ? Effect.succeed(left)
          : sql`SELECT event FROM tip_events WHERE tip = ${tip} ORDER BY version`
      return boundary(
        Effect.map(Effect.flatMap(rows, Schema.decodeUnknown(Events)), (decoded) => decoded.map((row) => row.event))
      )
    })

  const query: TipStore.Encoded["query"] = (q) => {
    if (q.units !== undefined && q.units.length === 0) return Effect.succeed([])
    const clauses = [
      ...(q.units !== undefined ? [sql.in("t.unit", q.units)] : []),
      ...(q.receivedFrom !== undefined ? [sql`t.received_at >= ${q.receivedFrom}`] : []),
      ...(q.receivedBefore !== undefined ? [sql`t.received_at < ${q.receivedBefore}`] : []),
      ...(q.open !== undefined ? [sql`t.open = ${q.open ? 1 : 0}`] : [])
    ]
    // Ties in time of receipt keep the order in which the tips were first written, as the memory store does.
    return boundary(
      Effect.map(
        Effect.flatMap(
          sql`SELECT t.tip AS tip FROM tips t
            JOIN tip_events e ON e.tip = t.tip AND e.version = 1
            WHERE ${sql.and(clauses)}
            ORDER BY t.received_at, e.position`,
          Schema.decodeUnknown(Ids)
        ),
        (rows) => rows.map((row) => row.tip)
      )
    )
  }

  const queryPage: TipStore.Encoded["queryPage"] = (q) => {
    if (q.units !== undefined && q.units.length === 0) return Effect.succeed([])
    if (q.status !== undefined && q.status.length === 0) return Effect.succeed([])
    return boundary(
      Effect.map(Effect.flatMap(pageStatement(sql, q), Schema.decodeUnknown(Ids)), (rows) => rows.map((row) => row.tip))
    )
  }

  const page: TipStore.Encoded["page"] = (after, limit) =>
    boundary(
      Effect.flatMap(
        sql`SELECT position, tip, version, event FROM tip_events WHERE position > ${after} ORDER BY position LIMIT ${limit}`,
        Schema.decodeUnknown(Page)
      )
    )

  return { append, read, query, queryPage, page }
})

/**
 * The full tip store over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TipStore.TipStore["Type"], never, SqlClient> = Effect.map(
  makeEncoded,
  TipStore.makeEncoded
)

/**
 * The tip store as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TipStore.TipStore, never, SqlClient> = Layer.effect(TipStore.TipStore, make)
