/**
 * The server under test: started in this process on 127.0.0.1, port 0, on a data folder of the test's own; and
 * deliveries posted to it over real HTTP, signed as the platforms (and the police website) sign them.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { afterAll, expect } from "@effect/vitest"
import { Actor, type Channel, Register, type Tip, Tips, type Unit } from "@tinbao/core"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Either, Redacted, Schedule } from "effect"
import * as Accounts from "../src/accounts.js"
import * as Config from "../src/config.js"
import * as Secrets from "../src/secrets.js"
import * as Server from "../src/server.js"

const made: Array<string> = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A new, empty data folder, removed when the test file is done. */
export const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "tip-line-"))
  made.push(dir)
  return dir
}

/**
 * A schema of the test's own on the PostgreSQL test server, dropped when the test file is done (call it in the
 * `Postgres.describe` block): its name, the server's URL, a URL whose connections use the schema (libpq's
 * `options` sets their search path), and statements run on the server.
 */
export const pgSchema = (pg: { readonly host: string; readonly port: number }, prefix: string) => {
  const schema = `${prefix}_${randomBytes(6).toString("hex")}`
  const server = `postgres://postgres@${pg.host}:${pg.port}/test`
  const onServer = (statement: (sql: SqlClient) => Effect.Effect<unknown, unknown>) =>
    Effect.runPromise(
      Effect.flatMap(SqlClient, statement).pipe(
        Effect.scoped,
        Effect.provide(PgClient.layer({ url: Redacted.make(server) }))
      )
    )
  afterAll(() => onServer((sql) => sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`))
  const url = `${server}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  return { schema, server, url, onServer }
}

/** Starts the server on 127.0.0.1, any free port, with `env` over the defaults, for as long as the scope lives. */
export const start = (env: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const config = yield* Either.mapLeft(
      Config.fromEnv({ HOST: "127.0.0.1", PORT: "0", ...env }, process.cwd()),
      (e) => new Error(e.message)
    )
    return yield* Server.start(config)
  })

/** Starts the server on a new data folder: the server, and the local secrets it made (to sign deliveries with). */
export const startFresh = (env: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const dir = dataDir()
    const running = yield* start({ DATA_DIR: dir, ...env })
    return { dir, running, secrets: yield* Secrets.load(dir) }
  })

/** Posts a delivery to a channel's webhook at the core's path; the status and the body of the answer. */
export const post = (running: Server.Running, channel: string, delivery: Channel.RawDelivery) =>
  postTo(running, `/webhooks/${channel}`, delivery)

/** Posts a delivery to a path of the server; the status and the body of the answer. */
export const postTo = (running: Server.Running, path: string, delivery: Channel.RawDelivery) =>
  Effect.promise(async () => {
    const response = await fetch(`${running.url}${path}`, {
      method: delivery.method,
      headers: delivery.headers,
      body: delivery.body
    })
    return { status: response.status, body: await response.text() }
  })

/** A GET on the server, or on any URL: the status and the body. */
export const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, body: await response.text() }
  })

/** Tries `effect` every 100 ms until it succeeds, for at most 15 seconds. */
export const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.retry(effect, Schedule.spaced("100 millis").pipe(Schedule.upTo("15 seconds")))

/** The tips of a unit, as an officer of the unit sees them. */
export const tipsOf = (running: Server.Running, unit: Unit.UnitId) =>
  Effect.gen(function* () {
    const tips = yield* Tips.Tips
    return yield* tips.list(Actor.make("test-officer", unit, ["officer"]))
  }).pipe(Effect.provide(running.services))

/** The unit's one tip once intake has taken it in, with the register's entry for it. */
export const theTip = (running: Server.Running, unit: Unit.UnitId) =>
  eventually(
    Effect.gen(function* () {
      const [tip, ...others] = yield* tipsOf(running, unit)
      if (tip === undefined || others.length > 0) return yield* Effect.fail("not one tip yet")
      const entries = yield* (yield* Register.Register).entries(unit, tip.registerYear)
      return { tip: tip as Tip.Tip, entry: entries.find((e) => e.tipId === tip.id) }
    }).pipe(Effect.provide(running.services))
  )

/**
 * The unit's one tip once its acknowledgement is sent and recorded: the dispatcher changes it no more, so that a
 * test may act on its version.
 */
export const theAcknowledgedTip = (running: Server.Running, unit: Unit.UnitId) =>
  eventually(
    Effect.filterOrFail(
      theTip(running, unit),
      ({ tip }) => tip.status === "acknowledged",
      () => "not acknowledged yet"
    )
  )

/** What the sandbox platforms took, read over HTTP as a person would. */
export const sent = (running: Server.Running) =>
  Effect.map(
    get(`${running.sandbox!.url}/sent`),
    (answer) => JSON.parse(answer.body) as ReadonlyArray<{ platform: string; from: string; to: string; text: string }>
  )

/** The first reply the sandbox took from a platform, once the dispatcher has sent one. */
export const acknowledgement = (running: Server.Running, platform: "web" | "zalo" | "zalo-bot" | "facebook") =>
  eventually(
    Effect.flatMap(sent(running), (all) => {
      const found = all.find((s) => s.platform === platform)
      return found === undefined ? Effect.fail(`nothing sent on ${platform} yet`) : Effect.succeed(found)
    })
  )

/** The password of the staff accounts the tests create. */
export const password = "correct horse battery staple"

/** Creates a staff account with the tests' password. */
export const addUser = (running: Server.Running, username: string, unit: string, roles: ReadonlyArray<Actor.Role>) =>
  Accounts.addUser({ username, password: Redacted.make(password), unit, roles }).pipe(Effect.provide(running.services))

/** An answer of the server, its body as text and as JSON (when it is). */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: the answers are JSON that each test reads as it expects
  readonly json: any
}

/** A request to the server, with the session cookie and the CSRF token, or an API token, when given. */
export const call = (
  running: Server.Running,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly cookie?: string; readonly csrf?: string; readonly bearer?: string } = {}
) =>
  Effect.promise(async (): Promise<Answer> => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
        ...(options.csrf === undefined ? {} : { "x-csrf-token": options.csrf }),
        ...(options.bearer === undefined ? {} : { authorization: `Bearer ${options.bearer}` })
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** Logs in: the cookie to send back and the CSRF token. */
export const login = (running: Server.Running, username: string) =>
  Effect.gen(function* () {
    const answer = yield* call(running, "POST", "/api/login", { body: { username, password } })
    expect(answer.status).toBe(200)
    const cookie = answer.headers.get("set-cookie")!.split(";")[0]!
    return { cookie, csrf: answer.json.csrfToken as string }
  })

/** A message on the police website's form, signed with the web secret; the sender is named "Nguyễn Văn A". */
export const webForm = (secret: string, id: string, sender: string, text: string) =>
  WebFormChannel.delivery(Redacted.make(secret), {
    events: [{ type: "message", id, sender: { id: sender, name: "Nguyễn Văn A" }, time: Date.now(), text }]
  })

/** A web-form tip in `unit` and one in another ward, once intake has taken them in. */
export const tipInTwoWards = (running: Server.Running, secret: string, unit: Unit.UnitId) =>
  Effect.gen(function* () {
    const other = running.platforms[0]!.bound.map((b) => b.unit).find((u) => u !== unit)!
    yield* post(running, `web:${unit}`, webForm(secret, "wf-a", "wf-user-a", "Mất trộm xe máy"))
    yield* post(running, `web:${other}`, webForm(secret, "wf-b", "wf-user-b", "Đánh bạc ở chợ"))
    const mine = (yield* theAcknowledgedTip(running, unit)).tip
    const theirs = (yield* theAcknowledgedTip(running, other)).tip
    return { other, mine, theirs }
  })
