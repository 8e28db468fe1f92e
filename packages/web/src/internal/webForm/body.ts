/**
 * Reading a web form body: content type, then the shared checks (size, UTF-8, nesting depth, JSON), then the
 * events one by one. Every refusal is a sentence for the sender's developers that quotes nothing of the body.
 *
 * @internal
 */
import { type Channel, ChannelCheck, type InboundMessage } from "@tinbao/core"
import { Either } from "effect"
import { readEvent } from "./event.js"

/** @internal */
export const maxDepth = 64

/** @internal */
export const maxEvents = 1000

const isJson = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false
  const [type, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase())
  return (
    type === "application/json" &&
    params.every((param) => !param.startsWith("charset=") || /^charset="?utf-8"?$/.test(param))
  )
}

/**
 * Decodes the body of a delivery: the same bytes and headers always give the same messages or the same refusal.
 *
 * @internal
 */
export const decodeBody = (
  channel: string,
  contentType: string | undefined,
  body: Uint8Array,
  maxBytes: number
): Either.Either<Channel.Decoded, Channel.ChannelError | string> =>
  Either.gen(function* () {
    if (!isJson(contentType)) return yield* Either.left("the content type must be application/json (UTF-8)")
    const json = yield* ChannelCheck.readJson(channel, body, { maxBytes, maxDepth })
    const events = typeof json === "object" && json !== null && "events" in json ? json.events : undefined
    if (!Array.isArray(events) || events.length > maxEvents) {
      return yield* Either.left(`the body must be an object with an "events" array of at most ${maxEvents} events`)
    }
    const messages: Array<InboundMessage.InboundMessage> = []
    const unsupported: Array<string> = []
    for (const [index, raw] of events.entries()) {
      const read = yield* readEvent(channel, raw, index)
      if (read._tag === "Message") messages.push(read.message)
      else unsupported.push(read.description)
    }
    return { messages, unsupported }
  })
