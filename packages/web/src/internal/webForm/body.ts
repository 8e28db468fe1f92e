/**
 * Reading a verified web form body: content type, UTF-8, nesting depth, JSON, then the events one by one.
 * Every refusal is a sentence for the sender's developers that quotes nothing of the body.
 *
 * @internal
 */
import type { InboundMessage } from "@tinbao/core"
import { Either } from "effect"
import { readEvent } from "./event.js"

/** @internal */
export const maxDepth = 64

/** @internal */
export const maxEvents = 1000

/** @internal */
export interface Decoded {
  readonly messages: ReadonlyArray<InboundMessage.InboundMessage>
  readonly unsupported: ReadonlyArray<string>
}

const isJson = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false
  const [type, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase())
  return (
    type === "application/json" &&
    params.every((param) => !param.startsWith("charset=") || /^charset="?utf-8"?$/.test(param))
  )
}

/**
 * The deepest nesting of objects and arrays in a JSON text, counted without parsing it so that a hostile body
 * cannot overflow the parser's stack; stops counting once past `limit`.
 *
 * @internal
 */
export const nestingDepth = (text: string, limit: number): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return deepest
}

const parse = (text: string): Either.Either<unknown, string> =>
  Either.try({ try: () => JSON.parse(text) as unknown, catch: () => "the body is not valid JSON (is it truncated?)" })

/**
 * Decodes the body of a delivery whose signature was verified.
 *
 * @internal
 */
export const decodeBody = (
  channel: string,
  contentType: string | undefined,
  body: Uint8Array
): Either.Either<Decoded, string> =>
  Either.gen(function* () {
    if (!isJson(contentType)) return yield* Either.left("the content type must be application/json (UTF-8)")
    const text = yield* Either.try({
      try: () => new TextDecoder("utf-8", { fatal: true }).decode(body),
      catch: () => "the body is not valid UTF-8"
    })
    if (nestingDepth(text, maxDepth) > maxDepth) {
      return yield* Either.left(`the body's JSON is nested deeper than ${maxDepth} levels`)
    }
    const json = yield* parse(text)
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
