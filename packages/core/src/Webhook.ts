/**
 * The webhook helper. A platform must get its answer fast (Zalo within 2 s, Facebook within 20 s), or it
 * retries and in the end disables the webhook. So a delivery is checked, verified once by its channel adapter
 * (`verify`), stored in the {@link Inbox} and answered; a worker fiber then decodes the stored deliveries
 * (`decode`, never `verify` again: a delivery that waited through an outage is not refused for its age) and
 * hands their messages to a processor (intake). A processing failure leaves the delivery pending, to be
 * retried up to `retry.maxAttempts` times, then kept as a dead letter; a delivery with events no adapter
 * understands is answered 200 and kept as a dead letter, since a 4xx would only make the platform send it again
 * and again.
 *
 * Offered as an `@effect/platform` router (`POST` and `GET /webhooks/:channel`), as an `HttpApp`, and as a
 * fetch-style `(request: Request) => Promise<Response>` handler that any Node framework can mount.
 *
 * @since 0.1.0
 * @module
 */
import type { HttpApp, HttpRouter } from "@effect/platform"
import { Context, type Effect, Layer, type Scope } from "effect"
import type { Answer, RawDelivery } from "./Channel.js"
import type { Channels } from "./Channels.js"
import type { InboundMessage } from "./InboundMessage.js"
import type { Inbox, InboxError } from "./Inbox.js"
import type { WebhookError } from "./internal/webhook/accept.js"
import * as internal from "./internal/webhook/webhook.js"

export { defaultMaxBodyBytes, WebhookError } from "./internal/webhook/accept.js"

/**
 * How to run the webhook.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E, R> {
  /**
   * Handles a delivery's messages. Failing leaves the delivery pending, to be retried (up to
   * `retry.maxAttempts` times, then it is a dead letter); succeeding with
   * `{ deadLetter: reason }` keeps it as a dead letter instead (e.g. a message from an unbound channel, which
   * no retry can route).
   */
  readonly process: (
    messages: ReadonlyArray<InboundMessage>
  ) => Effect.Effect<void | { readonly deadLetter: string }, E, R>
  /** The largest body accepted (default 1 MiB); a larger one is answered 413 without being read to the end. */
  readonly maxBodyBytes?: number
  /** Media types a channel accepts besides JSON, by channel id (e.g. form posts). */
  readonly contentTypes?: Readonly<Record<string, ReadonlyArray<string>>>
  /** The route, with a `:channel` parameter (default `/webhooks/:channel`). */
  readonly path?: `/${string}`
  /** Start the worker fiber (default true). Without it, call `drain`, or run a worker elsewhere. */
  readonly worker?: boolean
  /** Deliveries claimed per worker round (default 20). */
  readonly batchSize?: number
  /** How long a worker holds a claimed delivery (default 60 s). */
  readonly leaseMillis?: number
  /** The worker's pause when there is nothing to do and nothing arrives (default 1 s). */
  readonly pollMillis?: number
  /**
   * The backoff between processing attempts (default 1 s, doubling, at most 5 minutes, 20% jitter), and how many
   * attempts a delivery gets before it becomes a dead letter with its last error (default 20, about an hour).
   */
  readonly retry?: {
    readonly baseMillis?: number
    readonly factor?: number
    readonly maxDelayMillis?: number
    readonly maxAttempts?: number
    readonly jitter?: number
  }
}

/**
 * What a worker round did.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  readonly claimed: number
  readonly done: number
  readonly retried: number
  readonly dead: number
}

/**
 * The running webhook.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Checks, verifies and (when it carries events) stores one delivery; returns the answer for the platform. Never fails. */
  readonly accept: (channel: string, delivery: RawDelivery) => Effect.Effect<Answer>
  /** `POST` and `GET` on the path. */
  readonly router: HttpRouter.HttpRouter
  /** The router, answering 404 off the path. */
  readonly app: HttpApp.Default
  /** The app as a fetch-style handler. */
  readonly handler: (request: Request) => Promise<Response>
  /** Processes what is due in the inbox now. */
  readonly drain: Effect.Effect<Counts, InboxError>
}

/**
 * The webhook as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Webhook extends Context.Tag("@tinbao/core/Webhook")<Webhook, Service>() {}

/**
 * Builds the webhook and, unless told otherwise, starts its worker for as long as the scope lives. Fails with
 * reason `invalid` when an option is out of range.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <E, R>(
  options: Options<E, R>
) => Effect.Effect<Service, WebhookError, Channels | Inbox | Scope.Scope | R> = internal.make

/**
 * The webhook as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(options: Options<E, R>): Layer.Layer<Webhook, WebhookError, Channels | Inbox | R> =>
  Layer.scoped(Webhook, make(options))
