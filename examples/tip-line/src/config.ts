/**
 * The server's configuration, from environment variables (docs/deploy.md lists them). Everything has a default
 * except the platforms' secrets: a platform whose variables are all unset runs in sandbox mode (secrets made once
 * and kept in the data folder, replies sent to a stand-in on 127.0.0.1). A platform with some of its variables set
 * must have all of them: a half-configured platform is a mistake to report, not a reason to fall back.
 */
import { isAbsolute, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Either, Redacted } from "effect"

/** The configuration cannot be used; the message names the variable and what is wrong with it, never its value. */
export class ConfigError extends Data.TaggedError("ConfigError")<{ readonly message: string }> {}

/** Where the data is: an SQLite file in the data folder, or PostgreSQL at a URL (which may hold a password). */
export type Database =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Pg"; readonly url: Redacted.Redacted<string> }

/** A platform's unit → account mapping, e.g. `ZALO_OAS=ca-p-hoa-lu=2071450329,ca-p-nam-hoa-lu=4417…`. */
export type Accounts = ReadonlyArray<{ readonly unit: string; readonly account: string }>

/** The web forms of a police website that posts to this server and takes the replies at `replyUrl`. */
export interface Web {
  readonly secret: Redacted.Redacted<string>
  readonly replyUrl: string
}

/** A Zalo app and the OAs it serves, one per unit. */
export interface Zalo {
  readonly appId: string
  readonly appSecret: Redacted.Redacted<string>
  readonly oaSecretKey: Redacted.Redacted<string>
  readonly apiUrl: string
  readonly oauthUrl: string
  readonly oas: Accounts
}

/**
 * Zalo bots, one per unit (`ZALO_BOTS=ca-p-hoa-lu=<bot token>,…`), each the channel `zalo-bot:<unit>`; the secret
 * token every bot was given at `setWebhook`, and the Bot API's host.
 */
export interface ZaloBots {
  readonly bots: ReadonlyArray<{ readonly unit: string; readonly token: Redacted.Redacted<string> }>
  readonly secretToken: Redacted.Redacted<string>
  readonly apiUrl: string
}

/** A Meta app and the fanpages it serves, one per unit. */
export interface Facebook {
  readonly appSecret: Redacted.Redacted<string>
  readonly verifyToken: Redacted.Redacted<string>
  readonly graphUrl: string
  readonly graphVersion: string | undefined
  readonly pages: Accounts
}

export interface Config {
  readonly host: string
  /** The server's public base URL (PUBLIC_URL, behind the proxy), for the addresses platforms send browsers back to. */
  readonly publicUrl: string | undefined
  readonly port: number
  readonly dataDir: string
  readonly database: Database
  readonly unitsFile: string
  /** The hosts the evidence worker may fetch media from (a name also allows its subdomains), besides the sandbox. */
  readonly mediaHosts: ReadonlyArray<string>
  /** The vault's keys from the environment; else they are made once and kept in the data folder. */
  readonly vault:
    | { readonly key: Redacted.Redacted<string>; readonly fingerprintKey: Redacted.Redacted<string> }
    | undefined
  /** Each platform's real settings; `undefined` runs it in sandbox mode. */
  readonly web: Web | undefined
  readonly zalo: Zalo | undefined
  readonly zaloBots: ZaloBots | undefined
  readonly facebook: Facebook | undefined
}

/** The Ninh Bình units shipped with the example. */
export const defaultUnitsFile = fileURLToPath(new URL("../units.json", import.meta.url))

/** The data folder when DATA_DIR is unset, relative to the working directory: `data/` at the repository root. */
export const defaultDataDir = join("data", "tip-line")

type Env = Readonly<Record<string, string | undefined>>

const given = (env: Env, name: string) => {
  const value = env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

const fail = (message: string) => Either.left(new ConfigError({ message }))

const port = (env: Env) => {
  const text = given(env, "PORT") ?? "8080"
  const n = Number(text)
  return /^\d+$/.test(text) && n <= 65535 ? Either.right(n) : fail("PORT must be a whole number from 0 to 65535.")
}

const httpUrl = (name: string, value: string) =>
  URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) && !value.endsWith("/")
    ? Either.right(value)
    : fail(`${name} must be an http(s) URL without a trailing slash.`)

/**
 * What is wrong with a PostgreSQL URL, part by part, or `undefined`. The URL is never repeated: it may hold a
 * password.
 */
export const databaseUrlProblem = (url: string): string | undefined => {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]
  if (scheme === undefined)
    return "DATABASE_URL must start with postgres:// (postgres://user:password@host:5432/database)."
  if (scheme !== "postgres" && scheme !== "postgresql") {
    return `DATABASE_URL's scheme is ${scheme}://; tinbao's database is PostgreSQL: postgres:// or postgresql://.`
  }
  const authority = url.slice(scheme.length + 3).split(/[/?#]/)[0] ?? ""
  const hostAndPort = authority.slice(authority.lastIndexOf("@") + 1)
  if (hostAndPort === "" || hostAndPort.startsWith(":")) {
    return "DATABASE_URL names no host (postgres://user:password@host:5432/database)."
  }
  const portText = /:([^:\]]*)$/.exec(hostAndPort)?.[1]
  if (portText !== undefined && (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)) {
    return "DATABASE_URL's port is not a number from 1 to 65535."
  }
  if (!URL.canParse(url)) {
    return "DATABASE_URL cannot be read as a URL: a user name or password with @, :, /, ? or # in it must be percent-encoded."
  }
  if (new URL(url).pathname.length <= 1) return "DATABASE_URL names no database: add /<database> after the host."
  return undefined
}

const database = (env: Env, dataDir: string): Either.Either<Database, ConfigError> => {
  const url = given(env, "DATABASE_URL")
  if (url === undefined) return Either.right({ _tag: "Sqlite", filename: join(dataDir, "tinbao.sqlite") })
  const problem = databaseUrlProblem(url)
  return problem === undefined ? Either.right({ _tag: "Pg", url: Redacted.make(url) }) : fail(problem)
}

// A platform's variables: none set (sandbox), or every required one set.
const platform = <K extends string>(
  env: Env,
  what: string,
  names: Record<K, string>,
  optional: ReadonlyArray<NoInfer<K>> = []
) => {
  const values = Object.fromEntries(
    Object.entries<string>(names).map(([key, name]) => [key, given(env, name)])
  ) as Record<K, string | undefined>
  const keys = Object.keys(names) as Array<K>
  if (keys.every((key) => values[key] === undefined)) return Either.right(undefined)
  const missing = keys.filter((key) => values[key] === undefined && !optional.includes(key)).map((key) => names[key])
  return missing.length === 0
    ? Either.right(values)
    : fail(
        `${what} is configured in part: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set ` +
          `(set all of ${Object.values<string>(names).join(", ")}, or none of them).`
      )
}

const accounts = (
  name: string,
  text: string,
  example = "unit=id pairs separated by commas (ca-p-hoa-lu=2071450329,ca-p-nam-hoa-lu=…)"
): Either.Either<Accounts, ConfigError> => {
  const pairs = text.split(",").map((pair) => pair.trim().split("="))
  return pairs.every((p) => p.length === 2 && p[0]!.trim() !== "" && p[1]!.trim() !== "")
    ? Either.right(pairs.map(([unit, account]) => ({ unit: unit!.trim(), account: account!.trim() })))
    : fail(`${name} must list ${example}.`)
}

// The tokens are secrets: a malformed list is told by its shape, never by its values.
const bots = (text: string) =>
  Either.flatMap(
    accounts("ZALO_BOTS", text, "unit=bot token pairs separated by commas (ca-p-hoa-lu=<token>,ca-p-nam-hoa-lu=…)"),
    (pairs) =>
      new Set(pairs.map((p) => p.unit)).size !== pairs.length
        ? fail("ZALO_BOTS names a unit twice: a unit has one bot.")
        : pairs.some((p) => p.account.length < 8)
          ? fail("ZALO_BOTS has a token shorter than 8 characters: copy each bot's token whole from Zalo Bot Creator.")
          : Either.right(pairs.map((p) => ({ unit: p.unit, token: Redacted.make(p.account) })))
  )

const secret = (name: string, value: string, min: number) =>
  value.length >= min ? Either.right(Redacted.make(value)) : fail(`${name} must be ${min} characters or more.`)

/** Reads the configuration; relative paths are taken from `cwd`. */
export const fromEnv = (env: Env, cwd: string): Either.Either<Config, ConfigError> =>
  Either.gen(function* () {
    const dataDir = resolve(cwd, given(env, "DATA_DIR") ?? defaultDataDir)
    const unitsFile = given(env, "UNITS_FILE")
    const vault = yield* platform(env, "The vault", {
      key: "TINBAO_VAULT_KEY",
      fingerprintKey: "TINBAO_FINGERPRINT_KEY"
    })
    const web = yield* platform(env, "The web form", { secret: "TINBAO_WEB_SECRET", replyUrl: "TINBAO_WEB_REPLY_URL" })
    const zalo = yield* platform(env, "Zalo", {
      appId: "ZALO_APP_ID",
      appSecret: "ZALO_APP_SECRET",
      oaSecretKey: "ZALO_OA_SECRET_KEY",
      apiUrl: "ZALO_API_URL",
      oauthUrl: "ZALO_OAUTH_URL",
      oas: "ZALO_OAS"
    })
    const zaloBots = yield* platform(env, "The Zalo bots", {
      bots: "ZALO_BOTS",
      secretToken: "ZALO_BOT_SECRET_TOKEN",
      apiUrl: "ZALO_BOT_API_URL"
    })
    const facebook = yield* platform(
      env,
      "Facebook",
      {
        appSecret: "FACEBOOK_APP_SECRET",
        verifyToken: "FACEBOOK_VERIFY_TOKEN",
        graphUrl: "FACEBOOK_GRAPH_URL",
        graphVersion: "FACEBOOK_GRAPH_VERSION",
        pages: "FACEBOOK_PAGES"
      },
      ["graphVersion"]
    )
    return {
      host: given(env, "HOST") ?? "127.0.0.1",
      publicUrl:
        given(env, "PUBLIC_URL") === undefined ? undefined : yield* httpUrl("PUBLIC_URL", given(env, "PUBLIC_URL")!),
      port: yield* port(env),
      dataDir,
      database: yield* database(env, dataDir),
      unitsFile:
        unitsFile === undefined ? defaultUnitsFile : isAbsolute(unitsFile) ? unitsFile : resolve(cwd, unitsFile),
      mediaHosts: (given(env, "MEDIA_HOSTS") ?? "")
        .split(",")
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ""),
      vault: vault && { key: Redacted.make(vault.key!), fingerprintKey: Redacted.make(vault.fingerprintKey!) },
      web: web && {
        secret: yield* secret("TINBAO_WEB_SECRET", web.secret!, 16),
        replyUrl: yield* httpUrl("TINBAO_WEB_REPLY_URL", web.replyUrl!)
      },
      zalo: zalo && {
        appId: zalo.appId!,
        appSecret: yield* secret("ZALO_APP_SECRET", zalo.appSecret!, 8),
        oaSecretKey: yield* secret("ZALO_OA_SECRET_KEY", zalo.oaSecretKey!, 8),
        apiUrl: yield* httpUrl("ZALO_API_URL", zalo.apiUrl!),
        oauthUrl: yield* httpUrl("ZALO_OAUTH_URL", zalo.oauthUrl!),
        oas: yield* accounts("ZALO_OAS", zalo.oas!)
      },
      zaloBots: zaloBots && {
        bots: yield* bots(zaloBots.bots!),
        secretToken:
          zaloBots.secretToken!.length > 256
            ? yield* fail("ZALO_BOT_SECRET_TOKEN must be 256 characters or fewer (Zalo's setWebhook limit).")
            : yield* secret("ZALO_BOT_SECRET_TOKEN", zaloBots.secretToken!, 8),
        apiUrl: yield* httpUrl("ZALO_BOT_API_URL", zaloBots.apiUrl!)
      },
      facebook: facebook && {
        appSecret: yield* secret("FACEBOOK_APP_SECRET", facebook.appSecret!, 8),
        verifyToken: yield* secret("FACEBOOK_VERIFY_TOKEN", facebook.verifyToken!, 8),
        graphUrl: yield* httpUrl("FACEBOOK_GRAPH_URL", facebook.graphUrl!),
        graphVersion: facebook.graphVersion,
        pages: yield* accounts("FACEBOOK_PAGES", facebook.pages!)
      }
    } satisfies Config
  })
