/**
 * Reading Zalo's JSON defensively: ids as strings whatever JSON gave (a number only when it is exact), times as
 * strings or numbers, text normalised to NFC, and the place of a problem named by its path, never its value.
 *
 * @internal
 */
import { ChannelCheck, InboundMessage } from "@tinbao/core"
import { Either } from "effect"

/** @internal */
export const Id = ChannelCheck.JsonId

/** @internal */
export const Numeric = ChannelCheck.JsonNumber

/** @internal */
export const Time = InboundMessage.PlatformTime

/** @internal */
export const where = ChannelCheck.errorPaths

/** Text as tinbao keeps it: NFC, so that Vietnamese typed two ways compares equal. @internal */
export function text(value: string): string
export function text(value: string | undefined): string | undefined
export function text(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.normalize("NFC")
}

/** @internal */
export const record = ChannelCheck.jsonObject

/** @internal */
export const decoder = ChannelCheck.decoder

/**
 * A message from the fields read, or why they break the message's rules (each field and its rule, never a value),
 * through the checks the core gives adapters.
 *
 * @internal
 */
export const message = (
  fields: ConstructorParameters<typeof InboundMessage.InboundMessage>[0]
): Either.Either<InboundMessage.InboundMessage, string> =>
  Either.mapLeft(ChannelCheck.message(fields.channel, fields), (refused) => refused.message)
