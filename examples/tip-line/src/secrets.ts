/**
 * The local secrets: made once, on the first start that needs them, and kept in `<DATA_DIR>/secrets.json` (mode
 * 0600) for the next starts. They are the vault's keys when TINBAO_VAULT_KEY is not set, and the sandbox
 * platforms' secrets. A key file beside the database suits a sandbox: a real deployment keeps the vault's keys in
 * its secret store (docs/deploy.md), so that a copy of the data folder alone never reveals a reporter.
 */
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { VaultKey } from "@tinbao/core"
import { Data, Effect, Either, Redacted, Schema } from "effect"

/** The secrets file cannot be read, written or used; the message names the file. */
export class SecretsError extends Data.TaggedError("SecretsError")<{ readonly message: string }> {}

const Secrets = Schema.Struct({
  vault: Schema.Struct({
    keyId: Schema.NonEmptyString,
    key: Schema.NonEmptyString,
    fingerprintKey: Schema.NonEmptyString
  }),
  web: Schema.Struct({ secret: Schema.NonEmptyString }),
  zalo: Schema.Struct({ appSecret: Schema.NonEmptyString, oaSecretKey: Schema.NonEmptyString }),
  facebook: Schema.Struct({ appSecret: Schema.NonEmptyString, verifyToken: Schema.NonEmptyString }),
  // The sandbox Zalo bots' secret token (8 to 256 characters, as setWebhook takes it); files written before the
  // bots came lack it, and are completed when read.
  zaloBot: Schema.optional(Schema.Struct({ secretToken: Schema.String.pipe(Schema.minLength(8)) }))
})

/** The local secrets, as a file may hold them. */
type Stored = typeof Secrets.Type

/** The local secrets, every field present. */
export type Secrets = Stored & { readonly zaloBot: NonNullable<Stored["zaloBot"]> }

const token = () => randomBytes(24).toString("base64url")

const make = (): Secrets => ({
  vault: {
    keyId: "local-1",
    key: Redacted.value(VaultKey.generate()),
    fingerprintKey: Redacted.value(VaultKey.generate())
  },
  web: { secret: token() },
  zalo: { appSecret: token(), oaSecretKey: token() },
  facebook: { appSecret: token(), verifyToken: token() },
  zaloBot: { secretToken: token() }
})

// Writes the whole file anew beside the old one, then renames it over: a crash never leaves half a file.
const write = (file: string, secrets: Secrets, flag: "wx" | "w") => {
  const text = `${JSON.stringify(secrets, null, 2)}\n`
  if (flag === "wx") {
    writeFileSync(file, text, { mode: 0o600, flag })
  } else {
    const next = `${file}.new`
    writeFileSync(next, text, { mode: 0o600, flag: "w" })
    chmodSync(next, 0o600)
    renameSync(next, file)
  }
  // The umask may have taken bits away, never added them; this makes the mode exact all the same.
  chmodSync(file, 0o600)
}

const decode = Schema.decodeUnknownEither(Schema.parseJson(Secrets))

/** Where the secrets are kept. */
export const fileOf = (dataDir: string): string => join(dataDir, "secrets.json")

const problem = (file: string, doing: string) => (cause: unknown) =>
  new SecretsError({ message: `Cannot ${doing} ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.` })

/**
 * The secrets in the data folder: read, or made and written with mode 0600 when the file does not exist (unless
 * `create` is false: the simulator reads the server's, and makes none). A file others may read is refused rather
 * than used: the keys in it may have been copied.
 */
export const load = (
  dataDir: string,
  options: { readonly create?: boolean } = {}
): Effect.Effect<Secrets, SecretsError> =>
  Effect.gen(function* () {
    const file = fileOf(dataDir)
    if (options.create === false && !existsSync(file)) {
      return yield* new SecretsError({
        message: `${file} does not exist: start the server with this DATA_DIR first (it makes the secrets), or set DATA_DIR to the server's.`
      })
    }
    if (!existsSync(file)) {
      yield* Effect.try({
        try: () => {
          mkdirSync(dataDir, { recursive: true })
          write(file, make(), "wx")
        },
        catch: problem(file, "write")
      })
    }
    const mode = yield* Effect.try({ try: () => statSync(file).mode & 0o777, catch: problem(file, "read") })
    if ((mode & 0o077) !== 0) {
      return yield* new SecretsError({
        message: `${file} may be read by other users (mode ${mode.toString(8)}): run \`chmod 600 ${file}\`, and make new keys if it was copied.`
      })
    }
    const text = yield* Effect.try({ try: () => readFileSync(file, "utf8"), catch: problem(file, "read") })
    const stored = yield* Either.mapLeft(
      decode(text),
      () =>
        new SecretsError({
          message: `${file} is not a secrets file of this server. Restore it from a backup: without its vault key, the identities sealed with it cannot be opened.`
        })
    )
    if (stored.zaloBot !== undefined) return { ...stored, zaloBot: stored.zaloBot }
    // A file from before the Zalo bots: its secrets kept as they are, the bots' made and the file written again.
    const completed: Secrets = { ...stored, zaloBot: { secretToken: token() } }
    yield* Effect.try({ try: () => write(file, completed, "w"), catch: problem(file, "write") })
    return completed
  })
