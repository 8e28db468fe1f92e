/**
 * The Promise facade: one `ManagedRuntime` over the tip line's layers, each function an Effect of the core's run on
 * it, its typed failure turned into an error class (`errors.ts`) and its instants into `Date`s (`plain.ts`).
 *
 * @internal
 */
import { type Actor, Deadline, type IdentityVault, Intake, Statistics, Tip, Tips, Webhook } from "@tinbao/core"
import { DateTime, Effect, Exit, ManagedRuntime, Redacted, Schema } from "effect"
import type * as TipLine from "../TipLine.js"
import { fromCause, TipLineClosed, ValidationError } from "./errors.js"
import { layerOf, type Services, webChannelId } from "./layers.js"
import { plain } from "./plain.js"

// The core's inputs with instants as `DateTime`s: the caller's `Date`s are converted wherever they are. An invalid
// `Date` is left as it is, for the core's check of the input to refuse (a `ValidationError` naming the field).
const fromInput = (value: unknown): unknown => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : DateTime.unsafeFromDate(value)
  if (Array.isArray(value)) return value.map(fromInput)
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, fromInput(field)]))
  }
  return value
}

// The actor as given: the core decodes it at every call, so a malformed one is `AccessDenied`, never trusted.
const actorOf = (actor: TipLine.ActorInput) => actor as unknown as Actor.Actor

// The cursor of a page: the last tip's key, `[register year, register number, tip id]`, as base64url JSON.
const Cursor = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(Schema.Tuple(Schema.Int, Schema.Int, Tip.TipId))
)

const afterOf = (cursor: string | undefined) =>
  cursor === undefined
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(Cursor)(cursor).pipe(
        Effect.map(([registerYear, registerNumber, id]) => ({ registerYear, registerNumber, id })),
        Effect.mapError(
          () =>
            new ValidationError("The cursor is not one this tip line gave.", {
              issues: [{ path: ["cursor"], message: "a cursor from a previous page" }]
            })
        )
      )

// A deadline with the words an officer reads it in, so that a Promise user needs none of the core's helpers.
const withLabels = (deadline: Deadline.Deadline): TipLine.Deadline => ({
  ...plain(deadline),
  kindLabel: Deadline.kindLabels[deadline.kind],
  lastDay: Deadline.lastDay(deadline),
  dueLabel: Deadline.dueLabel(deadline)
})

// `/webhooks/web/<unit>` is the unit's web form; `/webhooks/<channel id>` any channel, as the core names it.
const routeOf = (request: Request, forms: ReadonlyMap<string, string>): Request | undefined => {
  const url = new URL(request.url)
  const web = /^\/webhooks\/web\/([^/]+)$/.exec(url.pathname)
  if (web === null) return /^\/webhooks\/[^/]+$/.test(url.pathname) ? request : undefined
  const channel = forms.get(decodeURIComponent(web[1]!))
  if (channel === undefined) return undefined
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers: request.headers }
  if (request.body !== null) Object.assign(init, { body: request.body, duplex: "half" })
  return new Request(new URL(`/webhooks/${encodeURIComponent(channel)}${url.search}`, url), init)
}

/** @internal */
export const createTipLine = async (config: TipLine.Config): Promise<TipLine.TipLine> => {
  const runtime = ManagedRuntime.make(layerOf(config))
  const exec = <A>(effect: Effect.Effect<A, unknown, Services>): Promise<A> =>
    runtime.runPromiseExit(effect).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value
      throw fromCause(exit.cause)
    })
  let closing: Promise<void> | undefined
  const run = <A>(effect: Effect.Effect<A, unknown, Services>): Promise<A> =>
    closing === undefined ? exec(effect) : Promise.reject(new TipLineClosed())

  const webhook = await exec(Webhook.Webhook).catch(async (error: unknown) => {
    await runtime.dispose()
    throw error
  })
  const forms = new Map((config.channels?.web ?? []).map((form) => [form.unit, webChannelId(form)]))

  // Takes in the deliveries already answered, as the background worker would.
  const drain = Effect.flatMap(Webhook.Webhook, (w) => w.drain)

  return {
    receive: (actor, { identity, ...rest }) =>
      run(
        Effect.flatMap(Tips.Tips, (tips) =>
          tips.receive(actorOf(actor), {
            ...(fromInput(rest) as Omit<Tips.Receive, "identity">),
            identity: Redacted.make(identity as IdentityVault.Identity)
          })
        ).pipe(Effect.map(plain))
      ),
    execute: (actor, command) =>
      run(
        Effect.flatMap(Tips.Tips, (tips) => tips.execute(actorOf(actor), fromInput(command) as never)).pipe(
          Effect.map(plain)
        )
      ),
    list: (actor, query = {}) =>
      run(
        Effect.gen(function* () {
          const { cursor, limit, ...filters } = query
          const after = yield* afterOf(cursor)
          const page = yield* (yield* Tips.Tips).page(actorOf(actor), {
            ...(fromInput(filters) as Omit<Tips.PageQuery, "limit">),
            limit: limit ?? 50,
            ...(after === undefined ? {} : { after })
          })
          return {
            tips: plain(page.tips),
            ...(page.next === undefined
              ? {}
              : { next: Schema.encodeSync(Cursor)([page.next.registerYear, page.next.registerNumber, page.next.id]) })
          }
        })
      ),
    get: (actor, tip) =>
      run(Effect.flatMap(Tips.Tips, (tips) => tips.get(actorOf(actor), tip as Tip.TipId)).pipe(Effect.map(plain))),
    history: (actor, tip) =>
      run(Effect.flatMap(Tips.Tips, (tips) => tips.history(actorOf(actor), tip as Tip.TipId)).pipe(Effect.map(plain))),
    deadlines: (actor, tip) =>
      run(
        Effect.flatMap(Tips.Tips, (tips) => tips.deadlines(actorOf(actor), tip as Tip.TipId)).pipe(
          Effect.map((deadlines) => deadlines.map(withLabels))
        )
      ),
    statistics: (actor, query) =>
      run(
        Effect.gen(function* () {
          const decoded = yield* Statistics.decodeQuery(query)
          return plain(yield* (yield* Statistics.StatisticsEngine).queryAs(actorOf(actor), decoded))
        })
      ),
    reply: (actor, tip, expectedVersion, text, options) =>
      run(
        Effect.flatMap(Intake.Intake, (intake) =>
          intake.reply(actorOf(actor), tip as Tip.TipId, expectedVersion, text, options)
        ).pipe(Effect.map(plain))
      ),
    reveal: (actor, tip, expectedVersion, reason) =>
      run(
        Effect.flatMap(Tips.Tips, (tips) =>
          tips.revealIdentity(actorOf(actor), tip as Tip.TipId, expectedVersion, reason)
        ).pipe(Effect.map((identity) => ({ ...Redacted.value(identity) })))
      ),
    handler: async (request) => {
      if (closing !== undefined) return new Response(null, { status: 503 })
      const routed = routeOf(request, forms)
      return routed === undefined ? new Response(null, { status: 404 }) : webhook.handler(routed)
    },
    close: () => {
      closing ??= exec(drain)
        .catch(() => undefined)
        .then(() => runtime.dispose())
      return closing
    }
  }
}
