import { createServer, type Server } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Postgres } from "@tinbao/testkit/vitest"
import { Effect } from "effect"

const listening = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.end())
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

const portOf = (server: Server): number => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("not a TCP server")
  return address.port
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

// A server that is down: a port on 127.0.0.1 that nothing listens on (one the system just gave a server, closed
// again). Only ever given to the rule, never probed.
const nowhere = await listening().then(async (server) => {
  const port = portOf(server)
  await close(server)
  return { host: "127.0.0.1", port }
})
const at = `127.0.0.1:${nowhere.port}`
const down = { ...nowhere, reachable: false }

// Registered here, at collection, and inspected below through the file's task tree.
Postgres.describe({ ...down, required: false }, "stand-in outside CI", () => {
  it("is never registered: the server is down", () => {
    throw new Error("the body of an unreachable server's block was registered")
  })
})
describe.skip("stand-in in CI (kept from running: it fails, as it must)", () => {
  Postgres.describe({ ...down, required: true }, "stand-in in CI", () => {})
})
Postgres.describe({ ...nowhere, reachable: true, required: true }, "a reachable server", () => {
  it("registers the block's own tests", () => {
    expect(true).toBe(true)
  })
})

describe("Postgres.reachable", () => {
  it.effect("answers true while a server listens on the port, and false once it is gone", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(listening)
      const port = portOf(server)
      expect(yield* Postgres.reachable({ host: "127.0.0.1", port })).toBe(true)
      yield* Effect.promise(() => close(server))
      expect(yield* Postgres.reachable({ host: "127.0.0.1", port })).toBe(false)
    })
  )

  it.effect("answers false when the host does not resolve", () =>
    Effect.gen(function* () {
      expect(yield* Postgres.reachable({ host: "no-such-host.invalid", port: 5432, timeout: 300 })).toBe(false)
    })
  )

  it.effect("refuses a server described wrongly, with a typed error naming what is wrong", () =>
    Effect.gen(function* () {
      const inputs: ReadonlyArray<Postgres.ServerInput> = [
        { port: 0 },
        { port: 65536 },
        { port: 54.32 },
        { host: "  " },
        { timeout: 0 },
        { timeout: "2 minutes" },
        { timeout: "soon" as never }
      ]
      for (const input of inputs) {
        const error = yield* Effect.flip(Postgres.reachable(input))
        expect(error).toBeInstanceOf(Postgres.PostgresError)
        expect(error.reason).toBe("invalid")
        expect(error.message).toContain(Object.keys(input)[0])
      }
    })
  )
})

describe("Postgres.check", () => {
  it("reads CI=true as required, and names where it looked", async () => {
    const server = await listening()
    const port = portOf(server)
    expect(await Postgres.check({ host: "127.0.0.1", port }, { CI: "true" })).toEqual({
      host: "127.0.0.1",
      port,
      reachable: true,
      required: true
    })
    await close(server)
    expect(await Postgres.check({ host: "127.0.0.1", port }, { CI: "1" })).toEqual({
      host: "127.0.0.1",
      port,
      reachable: false,
      required: false
    })
    expect((await Postgres.check({ host: "127.0.0.1", port }, {})).required).toBe(false)
  })

  it("rejects with the typed error when the server is described wrongly", async () => {
    await expect(Postgres.check({ port: -1 }, {})).rejects.toBeInstanceOf(Postgres.PostgresError)
  })
})

describe("Postgres.standIn", () => {
  it("is nothing when the server answered, a failure in CI, a skip elsewhere, each naming host and port", () => {
    expect(Postgres.standIn({ ...nowhere, reachable: true, required: true })).toEqual({ _tag: "None" })
    expect(Postgres.standIn({ ...down, required: true })).toEqual({
      _tag: "Fail",
      title: `PostgreSQL is reachable at ${at} (required in CI)`,
      message: `PostgreSQL is not reachable at ${at}, and CI=true requires these tests to run`
    })
    expect(Postgres.standIn({ ...down, required: false })).toEqual({
      _tag: "Skip",
      title: `PostgreSQL not reachable at ${at}: its tests are skipped (CI=true fails them)`
    })
  })
})

describe("Postgres.describe", () => {
  it("registers the stand-in in place of the block's tests, or the tests when the server answered", ({ task }) => {
    const blocks = new Map(task.file.tasks.map((t) => [t.name, t]))
    const tests = (name: string) => {
      const block = blocks.get(name)
      return block?.type === "suite" ? block.tasks.map((t) => [t.name, t.mode]) : []
    }
    expect(tests("stand-in outside CI")).toEqual([
      [`PostgreSQL not reachable at ${at}: its tests are skipped (CI=true fails them)`, "skip"]
    ])
    const ci = blocks.get("stand-in in CI (kept from running: it fails, as it must)")
    const inner = ci?.type === "suite" ? ci.tasks[0] : undefined
    expect(inner?.type === "suite" ? inner.tasks.map((t) => t.name) : []).toEqual([
      `PostgreSQL is reachable at ${at} (required in CI)`
    ])
    expect(tests("a reachable server")).toEqual([["registers the block's own tests", "run"]])
  })
})
