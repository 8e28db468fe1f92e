/**
 * `tinbao channels list`, `tinbao channels bind <channel> <unit> [--conversation <id>]` and `tinbao channels unbind
 * <channel> [--conversation <id>]`. The channels are the server's, named as it names them from the configuration
 * (a web form `web:<unit>` for each ward and commune; the OAs of ZALO_OAS, the bots of ZALO_BOTS and the pages of
 * FACEBOOK_PAGES, or one `sandbox-<unit>` of each per unit in sandbox mode), read without starting them: nothing is connected or rebound.
 * The server binds each channel to its configured unit at every start; `bind` serves the conversations (an OA
 * group, a page's post thread) that another unit answers for.
 */
import { Args, Command, Options } from "@effect/cli"
import { Binding, Channel, Credentials, LocalDate, Unit, UnitDirectory, UnitHierarchy } from "@tinbao/core"
import { Console, DateTime, Effect, Option, Schema } from "effect"
import * as Channels from "../channels.js"
import type * as Config from "../config.js"
import * as Units from "../units.js"
import { CliError, config, failure, pick, recordUnits, storage, usage } from "./context.js"
import { table } from "./output.js"

/** A channel of the server: its platform, its id, the unit its configuration gives it, and whether in sandbox mode. */
export interface Configured {
  readonly platform: "web" | "zalo" | "facebook"
  readonly channel: string
  readonly unit: string
  readonly sandbox: boolean
}

/** The server's channels, named by the server's own `accountsOf`, from the configuration and today's units. */
export const configured = (settings: Config.Config, units: ReadonlyArray<Unit.Unit>): ReadonlyArray<Configured> => {
  const accounts = Channels.accountsOf(settings, units)
  return [
    ...accounts.web.map(({ unit, channel }) => ({ platform: "web" as const, channel, unit, sandbox: !settings.web })),
    ...accounts.oas.map(({ unit, account }) => ({
      platform: "zalo" as const,
      channel: `zalo-oa:${account}`,
      unit,
      sandbox: !settings.zalo
    })),
    ...accounts.bots.map(({ unit, account }) => ({
      platform: "zalo" as const,
      channel: `zalo-bot:${account}`,
      unit,
      sandbox: !settings.zaloBots
    })),
    ...accounts.pages.map(({ unit, account }) => ({
      platform: "facebook" as const,
      channel: `facebook:${account}`,
      unit,
      sandbox: !settings.facebook
    }))
  ]
}

const channelsOf = (settings: Config.Config) =>
  Effect.map(Effect.mapError(Units.localUnits, failure), (units) => configured(settings, units))

const label = (platform: Configured["platform"]) => Channel.builtinPlatforms[platform].vi

const list = Command.make("list", {}, () =>
  Effect.gen(function* () {
    const settings = yield* config
    const rows = yield* Effect.gen(function* () {
      yield* recordUnits(settings)
      const channels = yield* channelsOf(settings)
      const bindings = yield* Effect.flatMap(Binding.Bindings, (b) => b.list).pipe(Effect.mapError(failure))
      // Only OAs and pages hold tokens; one without a stored credential has not been connected yet.
      const status = new Map(
        (yield* Effect.flatMap(Credentials.Credentials, (c) => c.list).pipe(Effect.mapError(failure))).map((c) => [
          c.account,
          c.status
        ])
      )
      const bound = (channel: string) =>
        bindings.find((b) => b.channel === channel && b.conversation === undefined)?.unit ?? "—"
      const known = new Set(channels.map((c) => c.channel))
      return [
        ...channels.map((c) => [
          c.channel,
          label(c.platform),
          c.sandbox ? "sandbox" : "configured",
          c.unit,
          bound(c.channel),
          c.platform === "web" || c.channel.startsWith("zalo-bot:") ? "—" : (status.get(c.channel) ?? "missing")
        ]),
        // The bindings the configuration does not make: conversations, and channels no longer configured.
        ...bindings
          .filter((b) => b.conversation !== undefined || !known.has(b.channel))
          .map((b) => [
            b.conversation === undefined ? b.channel : `${b.channel} #${b.conversation}`,
            "",
            known.has(b.channel) ? "conversation" : "not configured",
            "",
            b.unit,
            ""
          ])
      ]
    }).pipe(Effect.provide(storage(settings)))
    yield* Console.log(
      table([
        [
          "Kênh (channel)",
          "Nền tảng (platform)",
          "Chế độ (mode)",
          "Đơn vị (unit)",
          "Gắn với (bound to)",
          "Khoá truy cập (credentials)"
        ],
        ...rows
      ])
    )
  })
).pipe(Command.withDescription("The server's channels: unit, binding and credentials' status."))

const conversation = Options.text("conversation").pipe(
  Options.optional,
  Options.withDescription("one conversation on the channel (an OA group, a page's post thread)")
)

// The channel must be one of the server's; a binding names a unit that holds today.
const known = (channel: string) =>
  Effect.gen(function* () {
    const settings = yield* config
    const channels = yield* channelsOf(settings)
    const found = channels.find((c) => c.channel === channel)
    if (found === undefined) {
      return yield* new CliError({
        reason: "failure",
        message: `This server has no channel ${channel} (see tinbao channels list).`
      })
    }
    return found
  })

const bind = Command.make(
  "bind",
  { channel: Args.text({ name: "channel" }), unit: Args.text({ name: "unit" }), conversation },
  (args) =>
    Effect.gen(function* () {
      const settings = yield* config
      const note = yield* Effect.gen(function* () {
        yield* recordUnits(settings)
        const found = yield* known(args.channel)
        const hierarchy = yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.hierarchy).pipe(
          Effect.mapError(failure)
        )
        const today = LocalDate.ofInstant(yield* DateTime.now)
        const unit = yield* Schema.decodeUnknown(Unit.UnitId)(args.unit).pipe(
          Effect.mapError(() => usage(`${args.unit} is not a unit id.`))
        )
        if (Option.isNone(UnitHierarchy.get(hierarchy, unit, today))) {
          return yield* new CliError({
            reason: "failure",
            message: `No unit ${args.unit} holds today in the directory.`
          })
        }
        const bindings = yield* Binding.Bindings
        yield* bindings
          .bind(
            Binding.Binding.make({
              channel: args.channel,
              unit,
              ...Option.match(args.conversation, { onNone: () => ({}), onSome: (c) => ({ conversation: c }) })
            })
          )
          .pipe(Effect.mapError(failure))
        return Option.isNone(args.conversation) && found.unit !== args.unit
          ? ` The server binds it to ${found.unit} again at its next start: its configuration decides a channel's unit.`
          : ""
      }).pipe(Effect.provide(storage(settings)))
      const what = Option.match(args.conversation, {
        onNone: () => args.channel,
        onSome: (c) => `${args.channel} #${c}`
      })
      yield* Console.log(`Bound ${what} to ${args.unit}.${note}`)
    })
).pipe(Command.withDescription("Binds a channel, or one conversation on it, to a unit that holds today."))

const unbind = Command.make("unbind", { channel: Args.text({ name: "channel" }), conversation }, (args) =>
  Effect.gen(function* () {
    const settings = yield* config
    const conversationId = Option.getOrUndefined(args.conversation)
    const what = conversationId === undefined ? args.channel : `${args.channel} #${conversationId}`
    yield* Effect.gen(function* () {
      const bindings = yield* Binding.Bindings
      const all = yield* Effect.mapError(bindings.list, failure)
      if (!all.some((b) => b.channel === args.channel && b.conversation === conversationId)) {
        return yield* new CliError({ reason: "failure", message: `${what} is not bound.` })
      }
      yield* bindings.unbind(args.channel, conversationId).pipe(Effect.mapError(failure))
    }).pipe(Effect.provide(storage(settings)))
    yield* Console.log(`Unbound ${what}.`)
  })
).pipe(Command.withDescription("Removes the binding of a channel, or of one conversation on it."))

export const command = Command.make("channels", {}, () => pick("tinbao channels", ["list", "bind", "unbind"])).pipe(
  Command.withDescription("The channels: list them, bind one or a conversation on one to a unit, unbind."),
  Command.withSubcommands([list, bind, unbind])
)
