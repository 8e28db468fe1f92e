// The platforms' side of the tip-line benches: signed web-form deliveries posted over keep-alive HTTP, a number at
// a time, each message `copies` times at once (a platform's redeliveries), every answer but 200 retried with
// backoff when `retry` says so, as Zalo and Facebook retry. Runs in the bench's process or in a worker thread of its
// own (bench/tipLineWorker.ts), so that the sender does not take the server's CPU.
import { Agent, request } from "node:http"
import { WebFormChannel } from "@tinbao/web"
import { Redacted } from "effect"

export interface SendOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly base: string
  readonly secret: string
  /** The web-form channels the messages are spread over, e.g. `web:ca-p-hoa-lu`. */
  readonly channels: ReadonlyArray<string>
  /** Makes the messages' ids, senders and texts this run's own. */
  readonly prefix: string
  readonly from: number
  readonly count: number
  /** Messages in flight at once. */
  readonly concurrency: number
  /** How many times each message is posted at the same moment. */
  readonly copies: number
  /** Retry every answer but 200 (and every refused connection) with backoff; else take the first answer. */
  readonly retry?: { readonly baseMillis: number; readonly maxMillis: number; readonly maxAttempts: number }
  /** Told each time a message gets its first 200 (in the bench's own thread only: a worker cannot take it). */
  readonly onAccepted?: (accepted: number) => void
}

export interface SendResult {
  /** From the first request to the last answer. */
  readonly seconds: number
  /** Milliseconds of every answer (whatever its status), in the order they came. */
  readonly latencies: ReadonlyArray<number>
  /** Answers by status; `error` for a connection refused or reset. */
  readonly statuses: Readonly<Record<string, number>>
  /** The messages (their index) that got at least one 200. */
  readonly accepted: ReadonlyArray<number>
  /** Requests sent again after an answer that was not 200. */
  readonly retries: number
}

/** The text of message `i`: what its tip's summary begins with, to find the message again. */
export const textOf = (prefix: string, i: number) => `${prefix} số ${i}: mất trộm xe máy ở chợ`

/** The message's index in a tip's summary, when it is one of this run's. */
export const indexIn = (prefix: string, summary: string): number | undefined => {
  const found = new RegExp(`^${prefix} số (\\d+):`).exec(summary)
  return found === null ? undefined : Number(found[1])
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

export const send = async (options: SendOptions): Promise<SendResult> => {
  const secret = Redacted.make(options.secret)
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency * options.copies })
  const url = new URL(options.base)
  // Signed before the clock starts, as a platform's deliveries are made before they are sent.
  const deliveries = Array.from({ length: options.count }, (_, k) => {
    const i = options.from + k
    const delivery = WebFormChannel.delivery(secret, {
      events: [
        {
          type: "message",
          id: `${options.prefix}-${i}`,
          sender: { id: `${options.prefix}-user-${i}` },
          time: Date.now(),
          text: textOf(options.prefix, i)
        }
      ]
    })
    const body = Buffer.from(delivery.body)
    return {
      i,
      path: `/webhooks/${options.channels[i % options.channels.length]}`,
      headers: { ...delivery.headers, "content-length": String(body.length) },
      body
    }
  })
  const latencies: Array<number> = []
  const statuses: Record<string, number> = {}
  const accepted: Array<number> = []
  let retries = 0

  const post = (delivery: (typeof deliveries)[number]) =>
    new Promise<string>((resolve) => {
      const started = performance.now()
      const call = request(
        { host: url.hostname, port: url.port, method: "POST", path: delivery.path, headers: delivery.headers, agent },
        (response) => {
          response.resume()
          response.on("end", () => {
            latencies.push(performance.now() - started)
            resolve(String(response.statusCode))
          })
        }
      )
      call.setTimeout(60_000, () => call.destroy(new Error("timeout")))
      call.on("error", () => resolve("error"))
      call.end(delivery.body)
    })

  const copy = async (delivery: (typeof deliveries)[number]) => {
    for (let attempt = 1; ; attempt++) {
      const status = await post(delivery)
      statuses[status] = (statuses[status] ?? 0) + 1
      if (status === "200") return true
      if (options.retry === undefined || attempt >= options.retry.maxAttempts) return false
      retries++
      const backoff = Math.min(options.retry.maxMillis, options.retry.baseMillis * 2 ** (attempt - 1))
      await sleep(backoff * (0.8 + Math.random() * 0.4))
    }
  }

  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!
        const answers = await Promise.all(Array.from({ length: options.copies }, () => copy(delivery)))
        if (answers.some((ok) => ok)) {
          accepted.push(delivery.i)
          options.onAccepted?.(accepted.length)
        }
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return { seconds, latencies, statuses, accepted, retries }
}

/** The `q`-quantile (0–1) of some numbers. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}
