import { HttpApp } from "@effect/platform"
import { Effect, Either, ParseResult, Queue, Schema } from "effect"
import type { Options, Service } from "../../Webhook.js"
import { Channels } from "../channel/channels.js"
import { Inbox } from "../messaging/inbox.js"
import { accept, defaultMaxBodyBytes, type Env, WebhookError } from "./accept.js"
import { app, router } from "./http.js"
import { drain, loop, type Worker } from "./worker.js"

const positive = Schema.Int.pipe(Schema.positive())

const settingsSchema = Schema.Struct({
  maxBodyBytes: positive,
  batchSize: positive,
  leaseMillis: positive,
  pollMillis: positive,
  path: Schema.TemplateLiteral("/", Schema.String).pipe(
    Schema.filter((p) => p.includes("/:channel") || "the path needs a :channel parameter")
  ),
  retry: Schema.Struct({
    baseMillis: positive,
    factor: Schema.Number.pipe(Schema.greaterThanOrEqualTo(1)),
    maxDelayMillis: positive,
    maxAttempts: positive,
    jitter: Schema.Number.pipe(Schema.between(0, 1))
  })
})

const settings = <E, R>(options: Options<E, R>) =>
  Either.mapLeft(
    Schema.validateEither(settingsSchema)({
      maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
      batchSize: options.batchSize ?? 20,
      leaseMillis: options.leaseMillis ?? 60_000,
      pollMillis: options.pollMillis ?? 1_000,
      path: options.path ?? "/webhooks/:channel",
      // 20 attempts are about an hour of failures with the inbox reachable (docs/webhooks.md, "Processing").
      retry: {
        baseMillis: 1_000,
        factor: 2,
        maxDelayMillis: 300_000,
        maxAttempts: 20,
        jitter: 0.2,
        ...options.retry
      }
    }),
    (error) =>
      new WebhookError({
        reason: "invalid",
        message: `The webhook's options are invalid: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
      })
  )

/** @internal */
export const make = <E, R>(options: Options<E, R>) =>
  Effect.gen(function* () {
    const s = yield* settings(options)
    const context = yield* Effect.context<R>()
    const runtime = yield* Effect.runtime<never>()
    const wakeups = yield* Queue.sliding<void>(1)
    const env: Env = {
      channels: yield* Channels,
      inbox: yield* Inbox,
      maxBodyBytes: s.maxBodyBytes,
      contentTypes: options.contentTypes ?? {},
      wake: Effect.asVoid(Queue.offer(wakeups, undefined))
    }
    const worker: Worker = {
      env,
      process: (messages) => Effect.provide(options.process(messages), context),
      batchSize: s.batchSize,
      leaseMillis: s.leaseMillis,
      pollMillis: s.pollMillis,
      retry: s.retry
    }
    if (options.worker !== false) yield* Effect.forkScoped(loop(worker, wakeups))
    const routes = router(env, s.path)
    const http = app(routes)
    const service: Service = {
      accept: (channel, delivery) => accept(env, channel, delivery),
      router: routes,
      app: http,
      handler: HttpApp.toWebHandlerRuntime(runtime)(http),
      drain: drain(worker)
    }
    return service
  })
