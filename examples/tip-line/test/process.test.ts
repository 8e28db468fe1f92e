/**
 * The server as `npm start` runs it: a process of its own, started the way the root package.json starts it.
 */
import { request } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Unit } from "@tinbao/core"
import { WebFormChannel } from "@tinbao/web"
import { Effect, Redacted } from "effect"
import * as Secrets from "../src/secrets.js"
import { dataDir, start, theTip } from "./helpers.js"
import { portOf, run, sleep } from "./processes.js"

describe("the tip-line server process", () => {
  it.live(
    "SIGTERM lets a delivery in progress finish: it is answered 200, then the process exits 0",
    () =>
      Effect.gen(function* () {
        const dir = dataDir()
        const server = run({ DATA_DIR: dir })
        const port = yield* Effect.promise(() => portOf(server))
        const secrets = yield* Secrets.load(dir)
        const delivery = WebFormChannel.delivery(Redacted.make(secrets.web.secret), {
          events: [
            { type: "message", id: "wf-t1", sender: { id: "wf-user-7" }, time: Date.now(), text: "Đánh nhau ở chợ" }
          ]
        })
        const body = Buffer.from(delivery.body)
        // Half the body is sent, the server is told to stop, then the rest follows: the answer must still come.
        const answered = yield* Effect.promise(
          () =>
            new Promise<number>((resolve, reject) => {
              const call = request(
                {
                  host: "127.0.0.1",
                  port,
                  method: "POST",
                  path: "/webhooks/web:ca-p-hoa-lu",
                  headers: { ...delivery.headers, "content-length": String(body.length) }
                },
                (response) => {
                  response.resume()
                  resolve(response.statusCode ?? 0)
                }
              )
              call.on("error", reject)
              call.write(body.subarray(0, 10))
              void sleep(300).then(async () => {
                server.child.kill("SIGTERM")
                await sleep(500)
                call.end(body.subarray(10))
              })
            })
        )
        expect(answered).toBe(200)
        expect(yield* Effect.promise(() => server.exited)).toBe(0)
        expect(server.output().stdout).toContain("tinbao tip-line: stopped.")
        // Stored before the answer: the next start takes it in if this one did not.
        const tip = yield* Effect.scoped(
          Effect.flatMap(start({ DATA_DIR: dir }), (running) => theTip(running, Unit.UnitId.make("ca-p-hoa-lu")))
        )
        expect(tip.tip.summary).toContain("Đánh nhau ở chợ")
      }),
    60_000
  )

  it.live(
    "a malformed DATABASE_URL: one line saying which part is wrong, no stack, exit 1",
    () =>
      Effect.gen(function* () {
        const server = run({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://officer:s3cret@127.0.0.1:5432" })
        expect(yield* Effect.promise(() => server.exited)).toBe(1)
        const { stderr, stdout } = server.output()
        expect(stderr.trim()).toBe(
          "tinbao tip-line cannot start: DATABASE_URL names no database: add /<database> after the host."
        )
        expect(stdout).toBe("")
      }),
    60_000
  )
})
