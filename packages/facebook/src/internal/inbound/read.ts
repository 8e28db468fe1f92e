/**
 * Reading Meta's JSON defensively: ids as strings whatever JSON gave (a number only when it is exact), times in
 * seconds or milliseconds, text in NFC, and what is wrong named by its path, never its value. A batch's findings
 * are gathered in one place: the messages made, and a description of each event that could not be.
 *
 * @internal
 */
import { ChannelCheck, type InboundMessage } from "@tinbao/core"
import { Either } from "effect"

/** @internal */
export const Id = ChannelCheck.JsonId

/** Text as tinbao keeps it: NFC, so that Vietnamese typed two ways compares equal. @internal */
export const text = (value: string): string => value.normalize("NFC")

/** Whether a URL (or a text) is there: given, and not blank. @internal */
export const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== ""

/** A name Meta chose (a field, a type, a verb), as a dead letter may quote it: its safe characters only. @internal */
export const safe = (name: string): string => name.slice(0, 40).replace(/[^\w.-]/g, "?")

/** What a delivery has yielded so far. @internal */
export interface Found {
  readonly messages: Array<InboundMessage.InboundMessage>
  readonly unsupported: Array<string>
}

/** @internal */
export const found = (): Found => ({ messages: [], unsupported: [] })

/**
 * What is wrong with an event: a sentence that starts with its path and names fields, never their values; none when
 * the event was taken.
 *
 * @internal
 */
export type Problem = string | undefined

/**
 * Adds a message built from the fields read; when they break the message's rules, the problem names the fields and
 * their rules (never a value).
 *
 * @internal
 */
export const add = (
  into: Found,
  path: string,
  fields: ConstructorParameters<typeof InboundMessage.InboundMessage>[0]
): Problem =>
  Either.match(ChannelCheck.message(fields.channel, fields), {
    onLeft: (refused) => `${path}: ${refused.message}`,
    onRight: (message) => {
      into.messages.push(message)
      return undefined
    }
  })
