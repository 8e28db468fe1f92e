/**
 * Starts the Express app on HOST:PORT (127.0.0.1:3000 by default) over a tip line: in memory, or in the SQLite file
 * DATABASE_FILE with the vault's keys from TINBAO_VAULT_KEY and TINBAO_FINGERPRINT_KEY (`npx tinbao keys generate`).
 * WEB_FORM_SECRET and WEB_FORM_REPLY_URL configure one web form for each ward and commune of `units.json`. On SIGINT or
 * SIGTERM the server stops listening, then the tip line closes.
 */
import { readFileSync } from "node:fs"
import { createTipLine, type StorageConfig } from "@tinbao/node"
import { createApp } from "./app.js"

const env = process.env
const units = readFileSync(new URL("../units.json", import.meta.url), "utf8")
const wards = (JSON.parse(units) as ReadonlyArray<{ readonly id: string; readonly kind: string }>)
  .filter((u) => u.kind === "ward" || u.kind === "commune")
  .map((u) => u.id)

const storage: StorageConfig =
  env.DATABASE_FILE === undefined ? { kind: "memory" } : { kind: "sqlite", filename: env.DATABASE_FILE }
const tipLine = await createTipLine({
  storage,
  ...(env.TINBAO_VAULT_KEY === undefined || env.TINBAO_FINGERPRINT_KEY === undefined
    ? {}
    : {
        vault: {
          keys: { env: env.TINBAO_VAULT_KEY },
          currentKeyId: "env",
          fingerprintKey: env.TINBAO_FINGERPRINT_KEY
        }
      }),
  units,
  channels: {
    web:
      env.WEB_FORM_SECRET === undefined
        ? []
        : wards.map((unit) => ({
            unit,
            secret: env.WEB_FORM_SECRET!,
            replyUrl: env.WEB_FORM_REPLY_URL ?? "http://127.0.0.1:8081/replies"
          }))
  }
})

const host = env.HOST ?? "127.0.0.1"
const port = Number(env.PORT ?? 3000)
const server = createApp(tipLine).listen(port, host, () => {
  console.log(`express-app: http://${host}:${port} (${storage.kind}); webhooks at /webhooks/web/<unit>`)
})

const stop = () => server.close(() => void tipLine.close().then(() => process.exit(0)))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
