/**
 * The background work, in the server's process: the webhook worker (stored deliveries to intake), the outbox
 * dispatcher (acknowledgements and replies to the platforms), the evidence worker (the tips' files), the Zalo OAs'
 * token refresh, the inbox's retention and the vault's shred. Each runs rounds until the scope closes; the round in progress is then
 * finished rather than cut off, so that no delivery, message or file stays leased to a process that is gone.
 */
import { Dispatcher, Evidence, Inbox, Intake, type Webhook } from "@tinbao/core"
import { SqlIdentityVault } from "@tinbao/sql"
import type { ZaloOa } from "@tinbao/zalo"
import { Deferred, Duration, Effect, Fiber, Queue } from "effect"

/** How long a woken webhook round waits for the deliveries that arrive with the one that woke it. */
const gatherMillis = 20

/** How long a stop waits for a round in progress before it interrupts it. */
const stopWithin = Duration.seconds(20)

/**
 * Runs `round` again and again in a fiber of its own, `pause` between rounds unless the round says there is more
 * to do; when the scope closes, the round in progress finishes (within 20 seconds) and no other begins.
 */
const rounds = <R>(name: string, round: Effect.Effect<boolean, unknown, R>, pause: Effect.Effect<void>) =>
  Effect.gen(function* () {
    const stopping = yield* Deferred.make<void>()
    const loop = Effect.gen(function* () {
      while (!(yield* Deferred.isDone(stopping))) {
        const more = yield* round.pipe(
          Effect.catchAllCause((cause) => Effect.as(Effect.logWarning(`${name}: a round failed`, cause), false))
        )
        if (!more) yield* Effect.raceFirst(pause, Deferred.await(stopping))
      }
    })
    const fiber = yield* Effect.forkDaemon(loop)
    yield* Effect.addFinalizer(() =>
      Deferred.succeed(stopping, undefined).pipe(
        Effect.zipRight(Fiber.await(fiber).pipe(Effect.timeout(stopWithin))),
        Effect.catchAll(() => Fiber.interrupt(fiber)),
        Effect.asVoid
      )
    )
  })

/**
 * Starts the workers for as long as the scope lives. `wakeups` brings the webhook worker round at once when a
 * delivery is stored; `allowMedia` says which links the evidence worker may fetch.
 */
export const start = (options: {
  readonly webhook: Webhook.Service
  readonly wakeups: Queue.Queue<void>
  readonly allowMedia: (url: URL) => boolean
  readonly keepFresh: ReadonlyArray<{ readonly channel: string; readonly refresh: ZaloOa.Adapter["keepFresh"] }>
}) =>
  Effect.gen(function* () {
    const intake = yield* Intake.Intake
    const sleep = (millis: number) => Effect.sleep(Duration.millis(millis))
    // Woken by a delivery stored, the round waits a moment for the deliveries arriving with it: under load a round
    // then takes many at once, processed together and settled with a few commits, rather than one delivery (and
    // four commits) a round, each a stop of the event loop that answers the webhooks.
    yield* rounds(
      "webhook",
      Effect.map(options.webhook.drain, (counts) => counts.claimed >= 20),
      Effect.zipRight(
        Effect.ignore(Effect.timeout(Queue.take(options.wakeups), Duration.seconds(1))),
        sleep(gatherMillis)
      )
    )
    yield* rounds(
      "outbox",
      Effect.map(
        Dispatcher.runOnce({
          // The acknowledgement went out: intake marks the tip acknowledged.
          onSent: (entry) =>
            intake.delivered({
              key: entry.key,
              channel: entry.channel,
              platformMessageId: entry.platformMessageId!,
              ...(entry.tip !== undefined ? { tip: entry.tip } : {})
            })
        }),
        (counts) => counts.claimed >= 50
      ),
      sleep(1_000)
    )
    yield* rounds(
      "evidence",
      Effect.map(
        Evidence.runOnce({ onSettled: intake.evidenceSettled, retrieval: { allowUrl: options.allowMedia } }),
        (counts) => counts.claimed >= 16
      ),
      sleep(5_000)
    )
    // Every 10 minutes, each OA's tokens are refreshed when they near expiry, so an OA quiet for weeks keeps a live
    // refresh token. A refused refresh marks the OA "reconnect" (the channels' status shows it) and is logged.
    yield* rounds(
      "token refresh",
      Effect.as(
        Effect.forEach(options.keepFresh, ({ channel, refresh }) =>
          Effect.catchAll(refresh, (error) => Effect.logWarning(`token refresh: ${channel}: ${error.message}`))
        ),
        false
      ),
      sleep(600_000)
    )
    // Processed deliveries are deleted 7 days after they arrived, dead letters after 90 (docs/privacy.md).
    yield* rounds("retention", Effect.as(Inbox.purgeExpired(), false), sleep(3_600_000))
    // What `forget` erased is cleared from the database's files once a day (docs/privacy.md, "How it is erased").
    yield* rounds("vault shred", Effect.as(SqlIdentityVault.shred(), false), sleep(86_400_000))
  })
