/**
 * The `tips` index table's row of a tip: what the store lists and pages by, written with every append and filled
 * for the tips stored before migration 9 by that migration.
 *
 * @internal
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import type { TipStore } from "@tinbao/core"

/** The table's columns, the tip first. @internal */
export const listingColumns = [
  "tip",
  "unit",
  "received_at",
  "open",
  "register_year",
  "register_number",
  "status",
  "channel",
  "channel_id",
  "category"
]

/** A tip's row, by column. @internal */
export const listingRow = (tip: string, index: TipStore.IndexRow) => ({
  tip,
  unit: index.unit,
  received_at: index.receivedAt,
  open: index.open ? 1 : 0,
  register_year: index.registerYear,
  register_number: index.registerNumber,
  status: index.status,
  channel: index.channel,
  channel_id: index.channelId ?? null,
  category: index.category
})

/** Up to this many units, a page is read unit by unit from the units' index (see {@link pageStatement}). @internal */
export const FEW_UNITS = 8

const newestFirst = "register_year DESC, register_number DESC, tip DESC"

/**
 * The statement that gives the tip ids of a page, newest first, from an index in the pages' order read backwards
 * from the key, so that a page reads about `limit` rows however many tips there are. A few units (an officer's own,
 * with the units under it and those it took over) are read one by one from (unit, register_year, register_number,
 * tip) and merged; more, or all, from (register_year, register_number, tip), the other filters checked on the rows
 * it reads. Two planners need steering:
 * - SQLite keeps no statistics unless told to, and would rather take the unit's or the receipt's index and sort
 *   every matching row: a `+` before those columns keeps it on the pages' index.
 * - PostgreSQL estimates a row-value `<` by its first column alone (the key's year, strictly less: almost nothing),
 *   and then reads a unit's page from the pages' index too, filtering by unit: through every older tip for a unit
 *   that has none. A unit's key is therefore `(unit, register_year, register_number, tip) < (…)` with `unit >= …`
 *   and the unit first in the order, which only the unit's index serves, from the key.
 * Not for an empty list of units or statuses, which match nothing.
 *
 * @internal
 */
export const pageStatement = (sql: SqlClient, q: TipStore.EncodedPageQuery) => {
  const unindexed = (column: string) =>
    sql.literal(sql.onDialectOrElse({ sqlite: () => `+${column}`, orElse: () => column }))
  const channel = q.channel
  const after = q.after
  const clauses = [
    ...(q.receivedFrom !== undefined ? [sql`${unindexed("received_at")} >= ${q.receivedFrom}`] : []),
    ...(q.receivedBefore !== undefined ? [sql`${unindexed("received_at")} < ${q.receivedBefore}`] : []),
    ...(q.open !== undefined ? [sql`${unindexed("open")} = ${q.open ? 1 : 0}`] : []),
    ...(q.status !== undefined ? [sql.in("status", q.status)] : []),
    ...(q.category !== undefined ? [sql`category = ${q.category}`] : []),
    ...(channel !== undefined
      ? [
          // A prefix by substr rather than LIKE, so that `_` and `%` in a channel id mean themselves.
          sql`(channel_id = ${channel} OR channel = ${channel} OR substr(channel_id, 1, ${sql.literal(
            String(channel.length + 1)
          )}) IN (${`${channel}:`}, ${`${channel}-`}))`
        ]
      : [])
  ]
  const units = q.units
  if (units !== undefined && units.length <= FEW_UNITS) {
    const ofUnit = (unit: string) =>
      after === undefined
        ? [sql`unit = ${unit}`]
        : [
            sql`unit >= ${unit}`,
            sql`(unit, register_year, register_number, tip) < (${unit}, ${after.registerYear}, ${after.registerNumber}, ${after.tip})`
          ]
    return sql`SELECT tip FROM (${sql.join(
      " UNION ALL ",
      false
    )(
      units.map(
        (unit, i) =>
          sql`SELECT * FROM (SELECT tip, register_year, register_number FROM tips
            WHERE ${sql.and([...ofUnit(unit), ...clauses])}
            ${sql.literal(`ORDER BY unit DESC, ${newestFirst}`)} LIMIT ${q.limit}) ${sql.literal(`one_${i}`)}`
      )
    )}) merged ${sql.literal(`ORDER BY ${newestFirst}`)} LIMIT ${q.limit}`
  }
  return sql`SELECT tip FROM tips
    WHERE ${sql.and([
      ...(units !== undefined ? [sql`${unindexed("unit")} IN ${sql.in(units)}`] : []),
      ...clauses,
      ...(after !== undefined
        ? [sql`(register_year, register_number, tip) < (${after.registerYear}, ${after.registerNumber}, ${after.tip})`]
        : [])
    ])}
    ${sql.literal(`ORDER BY ${newestFirst}`)} LIMIT ${q.limit}`
}
