/**
 * Retrieval: fetching an attachment from a platform's link before the link expires. The body is read as a stream
 * and cut off at the size limit; the whole attempt, redirects included, is bounded by the timeout; the type is
 * read from the first bytes; every redirect is checked as the first URL was.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import { Duration, Effect, Either, ParseResult, Schema } from "effect"
import type { Retrieved, RetrieveOptions } from "../../Evidence.js"
import type { Hash } from "./media.js"
import { RetrievalError } from "./model.js"
import { MediaType, sniff, sniffBytes } from "./sniff.js"
import { describeUrl, parseUrl } from "./url.js"

/** @internal */
export interface Settings {
  readonly fetch: typeof globalThis.fetch
  readonly maxBytes: number
  readonly timeoutMillis: number
  readonly mediaTypes: ReadonlySet<MediaType>
  readonly allowUrl: (url: URL) => boolean
  readonly maxRedirects: number
}

const positive = Schema.Int.pipe(Schema.positive())

const Numbers = Schema.Struct({
  maxBytes: positive,
  timeoutMillis: positive,
  maxRedirects: Schema.NonNegativeInt,
  mediaTypes: Schema.Array(MediaType)
})

/** The defaults: 25 MiB, 30 seconds, 5 redirects, every media type, every host. @internal */
export const defaults = {
  maxBytes: 25 * 1024 * 1024,
  timeoutMillis: 30_000,
  maxRedirects: 5,
  mediaTypes: MediaType.literals
} as const

/** The options with their defaults, or why they are invalid. @internal */
export const settings = (options: RetrieveOptions = {}): Either.Either<Settings, string> => {
  const candidate = {
    maxBytes: options.maxBytes ?? defaults.maxBytes,
    timeoutMillis: options.timeoutMillis ?? defaults.timeoutMillis,
    maxRedirects: options.maxRedirects ?? defaults.maxRedirects,
    mediaTypes: options.mediaTypes ?? defaults.mediaTypes
  }
  return Either.match(Schema.validateEither(Numbers)(candidate), {
    onLeft: (error) => Either.left(ParseResult.TreeFormatter.formatErrorSync(error)),
    onRight: (valid) =>
      Either.right({
        ...valid,
        mediaTypes: new Set(valid.mediaTypes),
        fetch: options.fetch ?? globalThis.fetch,
        allowUrl: options.allowUrl ?? (() => true)
      })
  })
}

const MiB = 1024 * 1024

const sizeText = (bytes: number) =>
  bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes.toLocaleString("en-US")} bytes`

const failure = (reason: RetrievalError["reason"], message: string, extra: { status?: number; cause?: unknown } = {}) =>
  new RetrievalError({ reason, message, ...extra })

// The error's own code (ECONNREFUSED, ENOTFOUND, …): `fetch` hides it one or two causes deep.
const networkCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

const byStatus = (status: number, where: string): RetrievalError => {
  if (status === 404 || status === 410) {
    return failure(
      "not_found",
      `The link to ${where} no longer works (HTTP ${status}): the platform's link expired or the file was removed.`,
      { status }
    )
  }
  if (status === 429) {
    return failure("rate_limited", `The server asked to slow down (HTTP 429) for ${where}.`, { status })
  }
  if (status === 408) return failure("timeout", `The server gave up waiting (HTTP 408) for ${where}.`, { status })
  if (status >= 500) return failure("server_error", `The server failed (HTTP ${status}) for ${where}.`, { status })
  return failure("refused", `The server refused ${where} (HTTP ${status}).`, { status })
}

const isRedirect = (status: number) =>
  status === 301 || status === 302 || status === 303 || status === 307 || status === 308

// The rest of a body not read: cancelled, so the connection is freed rather than drained.
const discard = async (response: Response) => {
  await response.body?.cancel().catch(() => undefined)
}

// What the first bytes are, in words, when they are no allowed type.
const unsupported = (head: Uint8Array, found: MediaType | undefined, where: string): RetrievalError => {
  const text = new TextDecoder().decode(head).trimStart().toLowerCase()
  const what =
    head.length === 0
      ? "it is empty"
      : found !== undefined
        ? `it is ${found}, which this deployment does not keep`
        : text.startsWith("<")
          ? "it is a web page (HTML), not a file: the link may lead to a login or error page"
          : "its first bytes are those of no photo, video, sound or PDF file tinbao knows"
  return failure("unsupported_type", `The file at ${where} is not kept: ${what}.`)
}

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number) => {
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

// Reads the body up to the limit, hashing as it goes, and checks the type as soon as the first bytes are in.
const readBody = async (response: Response, s: Settings, where: string): Promise<Retrieved> => {
  const tooLarge = (how: string) =>
    failure("too_large", `The file at ${where} is larger than the limit of ${sizeText(s.maxBytes)} (${how}).`)
  const announced = Number(response.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(announced) && announced > s.maxBytes) {
    await discard(response)
    throw tooLarge(`the server announced ${sizeText(announced)}`)
  }
  const hash = createHash("sha256")
  const chunks: Array<Uint8Array> = []
  let size = 0
  let mediaType: MediaType | undefined
  const check = (head: Uint8Array) => {
    const found = sniff(head)
    if (found === undefined || !s.mediaTypes.has(found)) throw unsupported(head, found, where)
    mediaType = found
  }
  const reader = response.body?.getReader()
  try {
    while (reader !== undefined) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > s.maxBytes) throw tooLarge("the download was stopped at the limit")
      chunks.push(value)
      hash.update(value)
      if (mediaType === undefined && size >= sniffBytes) check(concat(chunks, size).subarray(0, sniffBytes))
    }
    if (mediaType === undefined) check(concat(chunks, size))
  } catch (error) {
    await reader?.cancel().catch(() => undefined)
    throw error
  }
  return { bytes: concat(chunks, size), hash: hash.digest("hex") as Hash, size, mediaType: mediaType! }
}

const download = async (first: URL, s: Settings, signal: AbortSignal): Promise<Retrieved> => {
  let url = first
  for (let redirects = 0; ; redirects++) {
    const where = describeUrl(url)
    if (!s.allowUrl(url)) {
      throw failure("not_allowed", `This deployment does not fetch evidence from ${url.host} (${where}).`)
    }
    let response: Response
    try {
      response = await s.fetch(url, { redirect: "manual", signal, headers: { accept: "*/*" } })
    } catch (cause) {
      const code = networkCode(cause)
      throw failure("network", `No answer from ${url.host} for ${where}${code === undefined ? "" : ` (${code})`}.`, {
        cause
      })
    }
    if (isRedirect(response.status)) {
      await discard(response)
      const location = response.headers.get("location")
      const next =
        location === null || !URL.canParse(location, url.href) ? undefined : parseUrl(new URL(location, url).href)
      if (next === undefined) {
        throw failure("refused", `${where} redirects (HTTP ${response.status}) to no http or https URL.`, {
          status: response.status
        })
      }
      if (redirects >= s.maxRedirects) {
        throw failure("refused", `${where} redirects more than ${s.maxRedirects} times.`, { status: response.status })
      }
      url = next
      continue
    }
    if (!response.ok) {
      await discard(response)
      throw byStatus(response.status, where)
    }
    return readBody(response, s, where)
  }
}

/** @internal */
export const retrieveWith = (url: string, s: Settings): Effect.Effect<Retrieved, RetrievalError> => {
  const target = parseUrl(url)
  if (target === undefined) {
    return Effect.fail(failure("invalid_url", "The attachment has no http or https URL to fetch."))
  }
  return Effect.tryPromise({
    try: (signal) => download(target, s, signal),
    catch: (cause) =>
      cause instanceof RetrievalError
        ? cause
        : failure("network", `Fetching ${describeUrl(target)} failed unexpectedly.`, { cause })
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(s.timeoutMillis),
      onTimeout: () =>
        failure("timeout", `The file at ${describeUrl(target)} did not arrive within ${s.timeoutMillis / 1000} s.`)
    })
  )
}

/** @internal */
export const retrieve = (url: string, options?: RetrieveOptions): Effect.Effect<Retrieved, RetrievalError> =>
  Either.match(settings(options), {
    onLeft: (problem) => Effect.fail(failure("misconfigured", `The retrieval's options are invalid: ${problem}`)),
    onRight: (s) => retrieveWith(url, s)
  })
