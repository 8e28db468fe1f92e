/**
 * Conversation activity over `@effect/sql`, in the table `conversation_activity`: per channel and conversation,
 * when the reporter last wrote and how many replies went out since. Direct conversations arrive keyed by the
 * reporter's fingerprint (`ConversationActivity.directKey`), so the table holds no platform id.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { ConversationActivity } from "@tinbao/core"
import { DateTime, Effect, Layer, Schema } from "effect"
import { prepareAhead } from "./internal/prepared.js"
import { rowDecoder } from "./internal/rowDecoding.js"
import { Int, makeWriter, sqlFailure } from "./internal/sqlErrors.js"

const Columns = Schema.Struct({
  last_inbound: Schema.compose(Int, Schema.DateTimeUtcFromNumber),
  replies: Int.pipe(Schema.nonNegative())
})

const decodeRows = rowDecoder(
  Columns,
  "conversation_activity",
  (message) => new ConversationActivity.ConversationActivityError({ reason: "corrupt", message })
)

// The port's error has no reason for bad input: text the database cannot store is "corrupt".
const unavailable = (cause: SqlError) =>
  new ConversationActivity.ConversationActivityError(
    sqlFailure(cause, "corrupt", "The conversation activity's database cannot be reached.")
  )

/**
 * Conversation activity over the `SqlClient` in context; run the migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<ConversationActivity.ConversationActivity["Type"], never, SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient
    const write = yield* makeWriter(sql)
    // Nothing waits for this write: in a batch on PostgreSQL it goes with the block's next statement (intake's
    // ledger read), in one round trip.
    const upsertInbound = prepareAhead(
      sql,
      `INSERT INTO conversation_activity (channel, conversation_kind, conversation_id, last_inbound, replies)
     VALUES (?, ?, ?, ?, 0) ON CONFLICT (channel, conversation_kind, conversation_id)
     DO UPDATE SET last_inbound = excluded.last_inbound, replies = 0
     WHERE conversation_activity.last_inbound < excluded.last_inbound`
    )
    return ConversationActivity.ConversationActivity.of({
      // An older message (deliveries arrive out of order) neither moves the window back nor resets the count.
      recordInbound: (channel, conversation, at) =>
        write(upsertInbound([channel, conversation.kind, conversation.id, DateTime.toEpochMillis(at)])).pipe(
          Effect.asVoid,
          Effect.catchTag("SqlError", unavailable)
        ),
      recordReply: (channel, conversation, at) =>
        write(
          sql`UPDATE conversation_activity SET replies = replies + 1 WHERE channel = ${channel}
            AND conversation_kind = ${conversation.kind} AND conversation_id = ${conversation.id}
            AND last_inbound <= ${DateTime.toEpochMillis(at)}`
        ).pipe(Effect.asVoid, Effect.catchTag("SqlError", unavailable)),
      get: (channel, conversation) =>
        sql`SELECT last_inbound, replies FROM conversation_activity WHERE channel = ${channel}
          AND conversation_kind = ${conversation.kind} AND conversation_id = ${conversation.id}`.pipe(
          Effect.catchTag("SqlError", unavailable),
          Effect.flatMap(decodeRows),
          Effect.map((rows) =>
            rows[0] === undefined ? undefined : { lastInboundAt: rows[0].last_inbound, repliesSince: rows[0].replies }
          )
        )
    })
  }
)

/**
 * Conversation activity as a layer; run the migrations first (`SqlStorage.layer` does).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ConversationActivity.ConversationActivity, never, SqlClient> = Layer.effect(
  ConversationActivity.ConversationActivity,
  make
)
