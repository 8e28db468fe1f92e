/**
 * The page's words for the core's events and commands, checked against the core: every event has a sentence in both
 * languages, every command the page offers is the core's with the one field it fills, and a command is disabled for
 * the reasons the core's graph gives. The modules are bundled as the build bundles them (with "tinbao:core").
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Category, Channel, Command, Lifecycle, Tip, TipEvent } from "@tinbao/core"
import { Either, Schema, SchemaAST } from "effect"
import * as esbuild from "esbuild"
import { coreModule } from "../scripts/core.js"

type Lang = "vi" | "en"
interface Spec {
  readonly name: string
  readonly field?: string
}
interface TipState {
  readonly status: string
  readonly pendingTransferTo?: string
}
// The bundled modules, as this test calls them (the page's code is type-checked by its own tsconfig).
interface Modules {
  readonly sentence: (event: object, lang: Lang, names: { unit: (id: string) => string }) => string
  readonly commands: ReadonlyArray<Spec>
  readonly unavailable: (
    spec: Spec,
    tip: TipState,
    me: { roles: ReadonlyArray<string> },
    lang: Lang
  ) => string | undefined
  readonly choices: ReadonlyArray<ChoiceSpec>
  readonly shownFields: (spec: ChoiceSpec, values: Readonly<Record<string, string>>) => ReadonlyArray<Field>
  readonly suspensionGrounds: Readonly<Record<string, unknown>>
  readonly nonProsecutionGrounds: Readonly<Record<string, unknown>>
  readonly outcomes: ReadonlyArray<string>
}
interface Field {
  readonly when?: { readonly field: string; readonly values: ReadonlyArray<string> }
  readonly name: string
  readonly kind: "text" | "date" | "choice"
  readonly options?: (context: {
    units: ReadonlyMap<string, unknown>
    mine: string
    tip: { readonly legalType: string }
  }) => ReadonlyArray<{ readonly value: string }>
}
interface ChoiceSpec {
  readonly name: string
  readonly fields: ReadonlyArray<Field>
  readonly build: (values: Readonly<Record<string, string>>) => { readonly _tag: string }
}

const src = fileURLToPath(new URL("../src/", import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), "dashboard-labels-"))
let page: Modules

beforeAll(async () => {
  const built = await esbuild.build({
    stdin: {
      contents:
        'export { sentence } from "./timeline.js"\nexport { commands, unavailable } from "./commands.js"\nexport { choices, shownFields, suspensionGrounds, nonProsecutionGrounds, outcomes } from "./choices.js"',
      resolveDir: src,
      loader: "ts"
    },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    plugins: [coreModule],
    logLevel: "silent"
  })
  const file = join(scratch, "page.mjs")
  writeFileSync(file, built.outputFiles[0]!.text)
  page = (await import(pathToFileURL(file).href)) as Modules
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const names = { unit: (id: string) => `unit ${id}` }
const at = "2026-12-07T02:00:00.000Z"

describe("the dashboard's words for the core", () => {
  it("has a sentence for every event of the core, in Vietnamese and in English", () => {
    const tags = TipEvent.TipEvent.members.map((member) => member.identifier)
    expect(tags.length).toBeGreaterThan(25)
    for (const tag of tags) {
      const event = { _tag: tag, at, by: "lan.officer" }
      const vi = page.sentence(event, "vi", names)
      const en = page.sentence(event, "en", names)
      expect(vi, tag).not.toBe(tag)
      expect(en, tag).not.toBe(tag)
      expect(vi, tag).not.toBe(en)
    }
  })

  it("says a receipt and a reply with the core's labels and the event's fields", () => {
    const web = Channel.builtinPlatforms.web
    const received = { _tag: "TipReceived", at, by: "system:intake", code: "HOALU-2026-0001", channel: "web" }
    expect(page.sentence({ ...received, registerNumber: 1, registerYear: 2026 }, "vi", names)).toBe(
      `Tiếp nhận tin báo HOALU-2026-0001 qua ${web.vi}, vào sổ số 1/2026`
    )
    expect(page.sentence({ ...received, registerNumber: 1, registerYear: 2026 }, "en", names)).toBe(
      `Received as HOALU-2026-0001 via ${web.en}, register entry 1/2026`
    )
    const reply = { _tag: "ReporterMessaged", at, by: "lan.officer", text: "Xin cảm ơn", key: "k" }
    expect(page.sentence(reply, "vi", names)).toBe("Trả lời người báo tin: Xin cảm ơn")
    expect(page.sentence({ _tag: "Assigned", at, by: "x", unit: "ca-p-hoa-lu" }, "en", names)).toBe(
      "Assigned to unit ca-p-hoa-lu"
    )
  })

  it("offers only the core's commands, each with the one field the command takes", () => {
    // Each command of the core: its tag, and the names of its other fields.
    const fields = new Map(
      Command.Command.members.map((member) => {
        const properties = SchemaAST.isTypeLiteral(member.ast) ? member.ast.propertySignatures : []
        const tag = properties.find((p) => p.name === "_tag")!.type
        return [
          SchemaAST.isLiteral(tag) ? tag.literal : undefined,
          properties.filter((p) => p.name !== "_tag").map((p) => p.name)
        ]
      })
    )
    expect(fields.size).toBe(Command.Command.members.length)
    for (const spec of page.commands) {
      expect(fields.has(spec.name), spec.name).toBe(true)
      expect(fields.get(spec.name), spec.name).toEqual(spec.field === undefined ? [] : [spec.field])
    }
  })

  it("disables a command for the reasons of the core's graph", () => {
    const accept = page.commands.find((spec) => spec.name === "Accept")!
    const acceptTransfer = page.commands.find((spec) => spec.name === "AcceptTransfer")!
    const officer = { roles: ["officer"] }
    const received: TipState = { status: "received" }
    expect(page.unavailable(accept, received, officer, "vi")).toBeUndefined()
    expect(page.unavailable(accept, received, { roles: ["viewer"] }, "vi")).toBe("Cần vai trò: Cán bộ, Lãnh đạo.")
    expect(page.unavailable(accept, { status: "resolved" }, officer, "en")).toBe(
      `Not from the status “${Tip.statusLabels.resolved.en}”.`
    )
    expect(page.unavailable(acceptTransfer, received, officer, "en")).toBe("No transfer is pending.")
    expect(page.unavailable(acceptTransfer, { ...received, pendingTransferTo: "ca-p-nam-hoa-lu" }, officer, "en")).toBe(
      undefined
    )
  })

  it("builds each command that needs a choice as the core's schema takes it, for every option it offers", () => {
    const context = {
      units: new Map([["ca-p-hoa-lu", { id: "ca-p-hoa-lu", name: { vi: "Hoa Lư", en: "Hoa Lu" }, kind: "ward" }]]),
      mine: "ca-p-hoa-lu",
      tip: { legalType: "to_giac" }
    }
    const decode = Schema.decodeUnknownEither(Command.Command)
    let built = 0
    for (const spec of page.choices) {
      // Every option of every choice, one at a time, with the other fields filled.
      const fill = (values: Record<string, string>): Record<string, string> => {
        for (const field of page.shownFields(spec, values)) {
          if (values[field.name] !== undefined) continue
          values[field.name] =
            field.kind === "date" ? "2026-12-01" : field.kind === "text" ? "tip-1" : field.options!(context)[0]!.value
          return fill(values)
        }
        return values
      }
      for (const field of spec.fields.filter((f) => f.kind === "choice" && f.when === undefined)) {
        for (const option of field.options!(context)) {
          const command = spec.build(fill({ [field.name]: option.value }))
          expect(command._tag).toBe(spec.name)
          expect(Either.isRight(decode(command)), `${spec.name} ${option.value}`).toBe(true)
          built++
        }
      }
      if (!spec.fields.some((f) => f.kind === "choice")) {
        expect(Either.isRight(decode(spec.build(fill({})))), spec.name).toBe(true)
        built++
      }
    }
    expect(built).toBeGreaterThan(page.choices.length)
    // The grounds the page labels are the core's, all of them: each is taken, and nothing else is.
    expect(Object.keys(page.suspensionGrounds)).toEqual([...TipEvent.SuspensionGround.literals])
    expect(Object.keys(page.nonProsecutionGrounds)).toEqual([...TipEvent.NonProsecutionGround.literals])
    for (const ground of Object.keys(page.suspensionGrounds)) {
      expect(Either.isRight(decode({ _tag: "Suspend", ground, reason: "r" })), ground).toBe(true)
    }
    expect(Either.isRight(decode({ _tag: "Suspend", ground: "d", reason: "r" }))).toBe(false)
    const resolve = (outcome: object) => decode({ _tag: "Resolve", outcome })
    for (const ground of Object.keys(page.nonProsecutionGrounds)) {
      expect(Either.isRight(resolve({ _tag: "NotProsecuted", ground })), ground).toBe(true)
    }
    expect(Either.isRight(resolve({ _tag: "NotProsecuted", ground: "other" }))).toBe(false)
  })

  it("offers for Resolve only the outcomes of the tip's track, as the core allows them", () => {
    const resolve = page.choices.find((spec) => spec.name === "Resolve")!
    const outcome = resolve.fields.find((field) => field.name === "outcome")!
    for (const legalType of Object.keys(Category.legalTypeLabels)) {
      const offered = outcome.options!({ units: new Map(), mine: "ca-p-hoa-lu", tip: { legalType } })
      expect(
        offered.map((o) => o.value),
        legalType
      ).toEqual([...Lifecycle.outcomesOf[Category.trackOf(legalType as Category.LegalType)]])
    }
    expect(Lifecycle.outcomesOf.criminal).toEqual(["Prosecuted", "NotProsecuted"])
  })
})
