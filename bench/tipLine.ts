// The tip-line server (examples/tip-line) under load, over real HTTP on 127.0.0.1, on SQLite in a temporary data
// folder. Three parts of `npm run bench`:
//   tipline-webhook  signed web-form deliveries through the server (signature, inbox write, 200) vs a bare node:http
//                    server in this process that only checks the same HMAC: requests/s and p99 latency, same
//                    concurrency, the sender in a worker thread for both;
//   tipline-storm    every message delivered 3 times at once, every answer but 200 retried with backoff: messages
//                    lost or taken in twice once the server has drained, and the slowest answer against Zalo's 2 s;
//   tipline-chaos    the server as a child process, killed with SIGKILL at 10 random points of a storm and started
//                    again on the same data folder: each message answered 200 must be one tip, read from the
//                    database with @tinbao/sql's layers after the last start has drained.
import { createServer, type Server as HttpServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Worker } from "node:worker_threads"
import { SqlClient } from "@effect/sql/SqlClient"
import { Calendar } from "@tinbao/core"
import { SqlStorage } from "@tinbao/sql"
import { WebFormChannel } from "@tinbao/web"
import { Context, Effect, Either, Exit, Layer, Redacted, Scope } from "effect"
import * as Config from "../examples/tip-line/src/config.js"
import * as Secrets from "../examples/tip-line/src/secrets.js"
import * as Server from "../examples/tip-line/src/server.js"
import { portOf, type Run, run } from "../examples/tip-line/test/processes.js"
import { withTempDir } from "./databases.js"
import { type Result, result } from "./result.js"
import { indexIn, quantile, type SendOptions, type SendResult, send } from "./tipLineSend.js"

type Progress = (line: string) => void

/** The wards whose web forms take the deliveries: Hoa Lư's four, which hold today in units.json. */
const channels = ["ca-p-hoa-lu", "ca-p-nam-hoa-lu", "ca-p-tay-hoa-lu", "ca-p-dong-hoa-lu"].map((unit) => `web:${unit}`)

/** Zalo's limit: an answer later than this is a failed delivery, retried, and in the end a disabled webhook. */
const zaloMillis = 2000

const inWorker = (options: SendOptions) =>
  new Promise<SendResult>((resolve, reject) => {
    const worker = new Worker(new URL("./tipLineWorker.mjs", import.meta.url), { workerData: options })
    worker.once("message", (message: { ok: boolean; result?: SendResult; error?: string }) => {
      void worker.terminate()
      if (message.ok) resolve(message.result!)
      else reject(new Error(message.error))
    })
    worker.once("error", reject)
  })

/** The server in this process on a data folder of its own, until `stop`. */
const startInProcess = async (dir: string) => {
  const config = Either.getOrThrowWith(
    Config.fromEnv({ HOST: "127.0.0.1", PORT: "0", DATA_DIR: dir }, process.cwd()),
    (error) => new Error(error.message)
  )
  const scope = Effect.runSync(Scope.make())
  const running = await Effect.runPromise(Scope.extend(Server.start(config), scope))
  const secrets = await Effect.runPromise(Secrets.load(dir))
  const sql = Context.get(running.services, SqlClient)
  return {
    running,
    secret: secrets.web.secret,
    sql,
    stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/** Runs `f` with the server in this process on a temporary data folder, stopped and removed afterwards. */
const withServer = <A>(f: (server: Awaited<ReturnType<typeof startInProcess>>) => Promise<A>) =>
  withTempDir(async (dir) => {
    const server = await startInProcess(dir)
    try {
      return await f(server)
    } finally {
      await server.stop()
    }
  })

// ---- what the database holds: deliveries still to process, and the tips of each message

const pending = (sql: SqlClient) =>
  Effect.map(
    sql<{ readonly n: number }>`SELECT count(*) AS n FROM inbox WHERE status IN ('pending', 'processing')`,
    (rows) => Number(rows[0]!.n)
  )

/** Waits until the inbox has nothing left to process (at most `limitSeconds`); whether it got there. */
const drained = async (sql: SqlClient, limitSeconds: number) => {
  const until = performance.now() + limitSeconds * 1000
  while (performance.now() < until) {
    if ((await Effect.runPromise(pending(sql))) === 0) return true
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}

/** How many tips each of this run's messages became, by the text each tip's summary begins with. */
const tipsPerMessage = (sql: SqlClient, prefix: string) =>
  Effect.runPromise(
    Effect.map(sql<{ readonly event: string }>`SELECT event FROM tip_events`, (rows) => {
      const counts = new Map<number, number>()
      for (const row of rows) {
        const event = JSON.parse(row.event) as { readonly _tag: string; readonly summary?: string }
        if (event._tag !== "TipReceived" || event.summary === undefined) continue
        const i = indexIn(prefix, event.summary)
        if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1)
      }
      return counts
    })
  )

const tally = (counts: ReadonlyMap<number, number>, messages: ReadonlyArray<number>) => {
  let lost = 0
  let duplicated = 0
  for (const i of messages) {
    const n = counts.get(i) ?? 0
    if (n === 0) lost++
    else if (n > 1) duplicated++
  }
  return { lost, duplicated, exactlyOnce: messages.length - lost - duplicated }
}

const statusLine = (sent: SendResult) =>
  Object.entries(sent.statuses)
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ")

// ---- tipline-webhook

/** A node:http server that reads each body, checks its web-form signature as the server does, and answers 200. */
const bareServer = async (secret: string): Promise<{ server: HttpServer; base: string }> => {
  const key = Redacted.make(secret)
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const refusal = WebFormChannel.verify(
        key,
        request.headers as Record<string, string>,
        new Uint8Array(Buffer.concat(chunks)),
        Date.now()
      )
      response.writeHead(refusal === undefined ? 200 : 401, { "content-type": "application/json" })
      response.end(refusal === undefined ? '{"ok":true}' : '{"error":"signature"}')
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

export const webhookDefaults = { requests: 5000, concurrency: 32 }

export const webhook = (options: {
  readonly requests: number
  readonly concurrency: number
  readonly progress: Progress
}): Promise<ReadonlyArray<Result>> =>
  withServer(async (server) => {
    const bare = await bareServer(server.secret)
    const { requests, concurrency, progress } = options
    const load = (base: string, prefix: string, count: number) =>
      inWorker({ base, secret: server.secret, channels, prefix, from: 0, count, concurrency, copies: 1 })
    const checked = (what: string, sent: SendResult) => {
      if (sent.statuses["200"] !== sent.latencies.length)
        throw new Error(`${what}: not every answer was 200: ${statusLine(sent)}`)
      return sent
    }
    try {
      progress(`tip-line webhook: the bare node:http server, ${requests} deliveries, ${concurrency} at a time`)
      checked("bare server (warm-up)", await load(bare.base, "warm-bare", 1000))
      const baseline = checked("bare server", await load(bare.base, "bare", requests))
      progress(`tip-line webhook: the server, ${requests} deliveries, ${concurrency} at a time`)
      checked("server (warm-up)", await load(server.running.url, "warm", 1000))
      await drained(server.sql, 120)
      const measured = checked("server", await load(server.running.url, "bench", requests))
      progress("tip-line webhook: waiting for intake to take in what was stored")
      await drained(server.sql, 300)
      return [
        result(
          `tip-line webhook, ${requests} signed web-form deliveries at ${concurrency} concurrent (SQLite)`,
          requests / measured.seconds,
          "requests/s",
          requests / baseline.seconds,
          true
        ),
        result(
          `tip-line webhook, p99 answer at ${concurrency} concurrent (SQLite)`,
          quantile(measured.latencies, 0.99),
          "ms",
          quantile(baseline.latencies, 0.99),
          false
        )
      ]
    } finally {
      bare.server.close()
    }
  })

// ---- tipline-storm

export const stormDefaults = { messages: 2000, ciMessages: 10_000, copies: 3, concurrency: 64 }

/** The platforms' retries: 0.5 s, doubling, at most 8 s between attempts, 10 attempts. */
const platformRetry = { baseMillis: 500, maxMillis: 8000, maxAttempts: 10 }

/** A storm's size: messages, the copies of each sent at once, and how many messages are in flight. */
export interface Storm {
  readonly messages: number
  readonly copies: number
  readonly concurrency: number
  readonly progress: Progress
}

export const storm = (options: Storm): Promise<ReadonlyArray<Result>> =>
  withServer(async (server) => {
    const { messages, copies, concurrency, progress } = options
    progress(`tip-line storm: ${messages} messages, each ${copies} times at once, ${concurrency} messages at a time`)
    const sent = await inWorker({
      base: server.running.url,
      secret: server.secret,
      channels,
      prefix: "storm",
      from: 0,
      count: messages,
      concurrency,
      copies,
      retry: platformRetry
    })
    progress(`tip-line storm: sent in ${sent.seconds.toFixed(1)} s (${statusLine(sent)}, ${sent.retries} retried)`)
    const done = await drained(server.sql, 600)
    const counts = await tipsPerMessage(server.sql, "storm")
    const { lost, duplicated, exactlyOnce } = tally(
      counts,
      Array.from({ length: messages }, (_, i) => i)
    )
    const slowest = sent.latencies.reduce((a, b) => Math.max(a, b), 0)
    progress(
      `tip-line storm: ${done ? "drained" : "NOT drained in 600 s"}; ${lost} lost, ${duplicated} taken in more than once; ` +
        `answers p50 ${quantile(sent.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(sent.latencies, 0.99).toFixed(1)} ms, max ${slowest.toFixed(1)} ms`
    )
    return [
      result(
        `tip-line storm, ${messages} messages × ${copies}: taken in exactly once`,
        exactlyOnce,
        "messages",
        messages,
        true
      ),
      result(
        `tip-line storm, ${messages} messages × ${copies}: slowest answer vs Zalo's 2 s`,
        slowest,
        "ms",
        zaloMillis,
        false
      ),
      result(
        `tip-line storm, ${messages} messages × ${copies}: p99 answer vs Zalo's 2 s`,
        quantile(sent.latencies, 0.99),
        "ms",
        zaloMillis,
        false
      )
    ]
  })

// ---- tipline-chaos

export const chaosDefaults = { messages: 2000, copies: 3, concurrency: 32, kills: 10 }

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer()
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

export const chaos = (options: Storm & { readonly kills: number }): Promise<ReadonlyArray<Result>> =>
  withTempDir(async (dir) => {
    const { messages, copies, concurrency, kills, progress } = options
    const secrets = await Effect.runPromise(Secrets.load(dir))
    const env = { DATA_DIR: dir, PORT: String(await freePort()) }
    let server: Run = run(env)
    const port = await portOf(server)
    // The kill points: after so many messages were answered 200, at random through the storm.
    const points = Array.from({ length: kills }, () => 1 + Math.floor(Math.random() * (messages - 1))).sort(
      (a, b) => a - b
    )
    let accepted = 0
    let killed = 0
    let restarting: Promise<void> | undefined
    let failedStart: unknown
    const restartSeconds: Array<number> = []
    const maybeKill = () => {
      if (restarting !== undefined || killed >= points.length || accepted < points[killed]!) return
      killed++
      const down = performance.now()
      server.child.kill("SIGKILL")
      restarting = server.exited
        .then(async () => {
          server = run(env)
          await portOf(server)
          restartSeconds.push((performance.now() - down) / 1000)
          restarting = undefined
          maybeKill()
        })
        .catch((error: unknown) => {
          // A start that fails ends the run: the sender gives up on its own once its attempts run out.
          failedStart = error
          restarting = undefined
        })
    }
    try {
      progress(`tip-line chaos: ${messages} messages × ${copies}, SIGKILL at ${points.join(", ")} answered messages`)
      const sent = await send({
        base: `http://127.0.0.1:${port}`,
        secret: secrets.web.secret,
        channels,
        prefix: "chaos",
        from: 0,
        count: messages,
        concurrency,
        copies,
        // While the server is down each request is refused at once: attempts every 0.1 s to 1 s, for about 5 minutes.
        retry: { baseMillis: 100, maxMillis: 1000, maxAttempts: 300 },
        onAccepted: (n) => {
          accepted = n
          maybeKill()
        }
      })
      while (restarting !== undefined) await restarting
      if (failedStart !== undefined) throw failedStart
      progress(
        `tip-line chaos: sent in ${sent.seconds.toFixed(1)} s with ${killed} kills (restarts took ` +
          `${restartSeconds.map((s) => s.toFixed(1)).join(", ")} s); ${statusLine(sent)}, ${sent.retries} retried`
      )
      // The last start drains (a delivery leased to a killed process comes back when its lease ends, after 60 s);
      // then it stops, and the database is read with the library's own layers.
      const config = Either.getOrThrow(Config.fromEnv(env, process.cwd()))
      const storage = SqlStorage.layerSqlite({
        filename: (config.database as { readonly filename: string }).filename,
        vault: Server.vaultOf(config, secrets)
      }).pipe(Layer.provide(Calendar.layerVietnam))
      return await Effect.runPromise(
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const done = yield* Effect.promise(() => drained(sql, 300))
          server.child.kill("SIGTERM")
          yield* Effect.promise(() => server.exited)
          const counts = yield* Effect.promise(() => tipsPerMessage(sql, "chaos"))
          const { lost, duplicated, exactlyOnce } = tally(counts, sent.accepted)
          progress(
            `tip-line chaos: ${done ? "drained" : "NOT drained in 300 s"}; of ${sent.accepted.length} messages answered 200, ` +
              `${lost} lost, ${duplicated} taken in more than once; ${messages - sent.accepted.length} never answered 200`
          )
          return [
            result(
              `tip-line chaos, ${messages} messages × ${copies}, ${killed} SIGKILLs: answered 200 and taken in exactly once`,
              exactlyOnce,
              "messages",
              sent.accepted.length,
              true
            )
          ]
        }).pipe(Effect.scoped, Effect.provide(storage))
      )
    } finally {
      server.child.kill("SIGKILL")
      await server.exited
    }
  })
