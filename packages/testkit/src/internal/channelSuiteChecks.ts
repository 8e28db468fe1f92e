/**
 * Pure parts of the channel suite's built-in checks: what is wrong with declared capabilities, and the tampered
 * variants of a signed delivery.
 *
 * @internal
 */
import { Channel, type InboundMessage } from "@tinbao/core"
import { Either, Redacted, Schema } from "effect"
import type { IncomingCase } from "../ChannelSuite.js"

const validPlatform = Schema.validateEither(Channel.Platform)

/**
 * What is wrong with an adapter's identity and declared capabilities, as sentences; none when they are sound.
 *
 * @internal
 */
export const capabilityProblems = (adapter: Channel.ChannelAdapter): Array<string> => {
  const problems: Array<string> = []
  const { maxTextLength, replyWindow } = adapter.capabilities
  const positive = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0)
  if (adapter.id.trim().length === 0) problems.push("the adapter's id is blank")
  if (Either.isLeft(validPlatform(adapter.platform))) {
    problems.push(
      "the platform is not an id of 2 to 32 lower-case letters, digits or underscores with a vi and en label"
    )
  }
  if (!Number.isInteger(maxTextLength) || maxTextLength < 1) problems.push("maxTextLength is not a positive integer")
  if (replyWindow._tag === "Hours") {
    if (!positive(replyWindow.hours)) problems.push("the reply window's hours are not positive")
    if (!positive(replyWindow.humanAgentHours)) problems.push("the human agent's hours are not positive")
    if ((replyWindow.humanAgentHours ?? Number.POSITIVE_INFINITY) < replyWindow.hours) {
      problems.push("a human agent's window is shorter than the standard one")
    }
  } else if (replyWindow._tag === "Quota") {
    if (!Number.isInteger(replyWindow.replies) || replyWindow.replies < 1) {
      problems.push("the reply quota is not a positive integer")
    }
    if (!positive(replyWindow.withinHours)) problems.push("the quota's hours are not positive")
  } else if (replyWindow._tag !== "None") problems.push("the reply window is none of None, Hours and Quota")
  return problems
}

const alphabets = ["0123456789abcdef", "ABCDEF", "ghijklmnopqrstuvwxyz", "GHIJKLMNOPQRSTUVWXYZ"]

/**
 * A value with one character changed: the last letter or digit, to another of the same alphabet (so a hex
 * signature stays well-formed hex and the comparison itself is what refuses it).
 *
 * @internal
 */
export const alterOneByte = (value: string): string => {
  const at = value.search(/[0-9A-Za-z][^0-9A-Za-z]*$/)
  if (at < 0) return `${value.slice(0, -1)}${String.fromCharCode((value.charCodeAt(value.length - 1) || 0x40) ^ 1)}`
  const alphabet = alphabets.find((a) => a.includes(value[at]))!
  const next = alphabet[(alphabet.indexOf(value[at]) + 1) % alphabet.length]
  return `${value.slice(0, at)}${next}${value.slice(at + 1)}`
}

/**
 * The variants of a case's delivery that must be refused with `bad_signature`: the signature header altered by
 * one byte, and removed. None when the delivery does not carry the header.
 *
 * @internal
 */
export const tamperings = (c: IncomingCase, header: string): Array<IncomingCase> => {
  const value = c.delivery.headers[header]
  if (value === undefined) return []
  const { [header]: _removed, ...without } = c.delivery.headers
  const variant = (name: string, headers: Readonly<Record<string, string>>): IncomingCase => ({
    name: `${c.name} (${name})`,
    delivery: { ...c.delivery, headers },
    expect: { error: "bad_signature" }
  })
  return [
    variant(`${header} altered by one byte`, { ...c.delivery.headers, [header]: alterOneByte(value) }),
    variant(`without ${header}`, without)
  ]
}

/**
 * What breaks the contract of direct conversations in a message, as a sentence; undefined when nothing does. A
 * direct conversation's id is its sender's platform id, except in an echo, whose sender is the channel itself.
 *
 * @internal
 */
export const directConversationProblem = (message: InboundMessage.InboundMessage): string | undefined => {
  if (message.conversation.kind !== "direct" || message.kind === "echo") return undefined
  if (!Redacted.isRedacted(message.conversation.id)) return "a direct conversation's id is not Redacted"
  return Redacted.value(message.conversation.id) === Redacted.value(message.sender).platformUserId
    ? undefined
    : "a direct conversation's id is not its sender's platform id"
}
