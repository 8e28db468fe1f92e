/**
 * The lifecycle commands that need a choice: assign to a unit, request a transfer to a unit, categorize, reclassify,
 * grant the procuracy's extension, suspend, resolve, reject, merge into another tip. Each is a button that opens a
 * small form in a modal dialog, with the fields the core's `Command` schema gives it; the button is disabled, with
 * the reason, when the core's graph rules the command out (as in `commands.ts`), and the API's refusal (403, 409,
 * 422) is shown in the dialog as the server words it.
 */

import core, { type Label } from "tinbao:core"
import { useRef, useState } from "preact/hooks"
import * as Api from "./api.js"
import { unavailable } from "./commands.js"
import { type Lang, useLang } from "./i18n.js"
import { Refusal } from "./pages/refusal.js"
import { subtree, useSession } from "./session.js"

/** A field of a command's form: a text, a date, or a choice among options. */
export interface Field {
  readonly name: string
  readonly label: readonly [vi: string, en: string]
  readonly kind: "text" | "date" | "choice"
  /** The options of a choice, given the units the page knows and my unit. */
  readonly options?: (context: Context) => ReadonlyArray<{ readonly value: string; readonly label: Label }>
  /** Asked only when another field has one of these values (`outcome` → its extra field). */
  readonly when?: { readonly field: string; readonly values: ReadonlyArray<string> }
}

interface Context {
  readonly units: ReadonlyMap<string, Api.UnitView>
  readonly mine: string
  readonly tip: Api.TipView
}

export interface ChoiceSpec {
  readonly name: string
  readonly label: readonly [vi: string, en: string]
  readonly fields: ReadonlyArray<Field>
  /** The command's JSON from the form's values. */
  readonly build: (values: Readonly<Record<string, string>>) => { readonly _tag: string }
}

const labelled = (labels: { readonly [key: string]: Label }) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }))

// BLTTHS Art. 148 (suspending verification) and Art. 157 (not prosecuting): labels for the values of the core's
// `SuspensionGround` and `NonProsecutionGround` (bundled from the core), which carry none of their own.
export const suspensionGrounds: { readonly [ground: string]: Label } = {
  a: {
    vi: "a) Chờ kết quả giám định, định giá, tương trợ tư pháp",
    en: "a) Awaiting an expert, a valuation or legal assistance"
  },
  b: { vi: "b) Chờ tài liệu, đồ vật có ý nghĩa quyết định", en: "b) Awaiting decisive documents or objects" },
  c: { vi: "c) Có trở ngại khách quan (bất khả kháng)", en: "c) Force majeure" }
}
export const nonProsecutionGrounds: { readonly [ground: string]: Label } = {
  no_crime: { vi: "Không có sự việc phạm tội", en: "No criminal act took place" },
  not_a_crime: { vi: "Hành vi không cấu thành tội phạm", en: "The act is not a crime" },
  under_age: { vi: "Chưa đến tuổi chịu trách nhiệm hình sự", en: "Under the age of criminal responsibility" },
  already_judged: { vi: "Đã có bản án hoặc quyết định có hiệu lực", en: "Already judged" },
  limitation_expired: { vi: "Hết thời hiệu truy cứu", en: "The limitation period has expired" },
  amnesty: { vi: "Được đại xá", en: "Amnesty" },
  offender_deceased: { vi: "Người thực hiện hành vi đã chết", en: "The offender has died" },
  no_victim_request: { vi: "Bị hại không yêu cầu khởi tố", en: "The victim asks for no prosecution" }
}
const rejections: { readonly [kind: string]: Label } = {
  FalseReport: core.outcomes.FalseReport ?? { vi: "Tin báo sai sự thật", en: "False report" },
  OutOfScope: core.outcomes.OutOfScope ?? { vi: "Không thuộc phạm vi", en: "Out of scope" }
}
// The outcomes a resolution may have (the core's `Outcome`), labelled as the statistics label them.
export const outcomes = core.outcomeKinds

// The core's values, each with the page's label (the value itself if a newer core adds one).
const grounds = (values: ReadonlyArray<string>, labels: { readonly [ground: string]: Label }) =>
  values.map((value) => ({ value, label: labels[value] ?? { vi: value, en: value } }))

const reason: Field = { name: "reason", label: ["Lý do", "Reason"], kind: "text" }
const allUnits = (context: Context) => [...context.units.values()].map((unit) => ({ value: unit.id, label: unit.name }))
const myUnits = (context: Context) =>
  subtree(context.units, context.mine).map((unit) => ({ value: unit.id, label: unit.name }))

export const choices: ReadonlyArray<ChoiceSpec> = [
  {
    name: "Assign",
    label: ["Giao đơn vị", "Assign to a unit"],
    fields: [{ name: "unit", label: ["Đơn vị", "Unit"], kind: "choice", options: myUnits }],
    build: (v) => ({ _tag: "Assign", unit: v.unit! })
  },
  {
    name: "RequestTransfer",
    label: ["Chuyển đơn vị khác", "Transfer to a unit"],
    fields: [{ name: "to", label: ["Chuyển đến", "To"], kind: "choice", options: allUnits }, reason],
    build: (v) => ({ _tag: "RequestTransfer", to: v.to!, reason: v.reason! })
  },
  {
    name: "Categorize",
    label: ["Phân loại lĩnh vực", "Categorize"],
    fields: [
      { name: "category", label: ["Lĩnh vực", "Category"], kind: "choice", options: () => labelled(core.categories) }
    ],
    build: (v) => ({ _tag: "Categorize", category: v.category! })
  },
  {
    name: "Reclassify",
    label: ["Phân loại lại", "Reclassify"],
    fields: [
      { name: "to", label: ["Loại tin", "Legal type"], kind: "choice", options: () => labelled(core.legalTypes) },
      reason
    ],
    build: (v) => ({ _tag: "Reclassify", to: v.to!, reason: v.reason! })
  },
  {
    name: "GrantProcuracyExtension",
    label: ["Viện kiểm sát gia hạn", "Procuracy's extension"],
    fields: [
      { name: "requestedOn", label: ["Ngày đề nghị", "Requested on"], kind: "date" },
      { name: "until", label: ["Gia hạn đến", "Until"], kind: "date" },
      { name: "decision", label: ["Quyết định", "Decision"], kind: "text" }
    ],
    build: (v) => ({
      _tag: "GrantProcuracyExtension",
      requestedOn: v.requestedOn!,
      until: v.until!,
      decision: v.decision!
    })
  },
  {
    name: "Suspend",
    label: ["Tạm đình chỉ", "Suspend"],
    fields: [
      {
        name: "ground",
        label: ["Căn cứ (Điều 148)", "Ground (Art. 148)"],
        kind: "choice",
        options: () => grounds(core.suspensionGrounds, suspensionGrounds)
      },
      reason
    ],
    build: (v) => ({ _tag: "Suspend", ground: v.ground!, reason: v.reason! })
  },
  {
    name: "Resolve",
    label: ["Kết thúc giải quyết", "Resolve"],
    fields: [
      {
        name: "outcome",
        label: ["Kết quả", "Outcome"],
        kind: "choice",
        // Only the outcomes of the tip's track (a criminal report is prosecuted or not; feedback handled, …).
        options: ({ tip }) =>
          (core.outcomesByLegalType[tip.legalType] ?? outcomes).map((value) => ({
            value,
            label: core.outcomes[value] ?? { vi: value, en: value }
          }))
      },
      {
        name: "ground",
        label: ["Căn cứ không khởi tố (Điều 157)", "Ground (Art. 157)"],
        kind: "choice",
        options: () => grounds(core.nonProsecutionGrounds, nonProsecutionGrounds),
        when: { field: "outcome", values: ["NotProsecuted"] }
      },
      {
        name: "summary",
        label: ["Kết quả xử lý", "What was done"],
        kind: "text",
        when: { field: "outcome", values: ["Handled"] }
      },
      {
        name: "agency",
        label: ["Cơ quan nhận", "Agency"],
        kind: "text",
        when: { field: "outcome", values: ["Referred"] }
      }
    ],
    build: (v) => {
      const outcome = v.outcome!
      const extra =
        outcome === "NotProsecuted"
          ? { ground: v.ground! }
          : outcome === "Handled"
            ? { summary: v.summary! }
            : outcome === "Referred"
              ? { agency: v.agency! }
              : {}
      return { _tag: "Resolve", outcome: { _tag: outcome, ...extra } }
    }
  },
  {
    name: "Reject",
    label: ["Không thụ lý", "Reject"],
    fields: [
      { name: "kind", label: ["Lý do loại", "Kind"], kind: "choice", options: () => labelled(rejections) },
      reason
    ],
    build: (v) => ({ _tag: "Reject", rejection: { _tag: v.kind!, reason: v.reason! } })
  },
  {
    name: "MergeInto",
    label: ["Gộp vào tin khác", "Merge into another tip"],
    fields: [{ name: "target", label: ["Mã định danh tin báo gộp vào", "The tip's id to merge into"], kind: "text" }],
    build: (v) => ({ _tag: "MergeInto", target: v.target! })
  }
]

/** The fields asked now, given the values chosen so far. */
export const shownFields = (spec: ChoiceSpec, values: Readonly<Record<string, string>>) =>
  spec.fields.filter((field) => field.when === undefined || field.when.values.includes(values[field.when.field] ?? ""))

const say = (lang: Lang, words: readonly [string, string]) => words[lang === "vi" ? 0 : 1]

/** One command's button and its dialog. */
const Choice = (props: {
  readonly spec: ChoiceSpec
  readonly tip: Api.TipView
  readonly busy: boolean
  readonly onDone: (tip: Api.TipView) => void
}) => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const dialog = useRef<HTMLDialogElement>(null)
  const [values, setValues] = useState<Readonly<Record<string, string>>>({})
  const [refusal, setRefusal] = useState<Api.ApiError | undefined>(undefined)
  const [sending, setSending] = useState(false)
  const { spec, tip } = props
  const why = unavailable({ name: spec.name, label: spec.label }, tip, me, lang)
  const context = { units, mine: me.unit, tip }
  const id = `choice-${spec.name}`
  const fields = shownFields(spec, values)
  const submit = async () => {
    setSending(true)
    try {
      const changed = await Api.command(tip.id, tip.version, spec.build(values))
      setRefusal(undefined)
      setValues({})
      dialog.current?.close()
      props.onDone(changed)
    } catch (error) {
      if (error instanceof Api.ApiError) setRefusal(error)
      else throw error
    } finally {
      setSending(false)
    }
  }
  return (
    <>
      <button
        type="button"
        data-command={spec.name}
        disabled={props.busy || why !== undefined}
        title={why}
        aria-describedby={why === undefined ? undefined : `why-${spec.name}`}
        aria-haspopup="dialog"
        onClick={() => {
          setRefusal(undefined)
          dialog.current?.showModal()
        }}
      >
        {say(lang, spec.label)}…
        {why === undefined ? null : (
          <span id={`why-${spec.name}`} class="sr-only">
            {why}
          </span>
        )}
      </button>
      <dialog ref={dialog} class="choice" data-dialog={spec.name} aria-labelledby={`${id}-title`}>
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault()
            submit()
          }}
        >
          <h2 id={`${id}-title`}>
            {say(lang, spec.label)} — {tip.code}
          </h2>
          {fields.map((field) => (
            <label class="wide" for={`${id}-${field.name}`}>
              {say(lang, field.label)}
              {field.kind === "choice" ? (
                <select
                  id={`${id}-${field.name}`}
                  name={field.name}
                  required
                  value={values[field.name] ?? ""}
                  onChange={(e) => setValues({ ...values, [field.name]: e.currentTarget.value })}
                >
                  <option value="">{t("choose")}</option>
                  {field.options!(context).map((option) => (
                    <option value={option.value}>{l(option.label, option.value)}</option>
                  ))}
                </select>
              ) : field.kind === "date" ? (
                <input
                  type="date"
                  id={`${id}-${field.name}`}
                  name={field.name}
                  required
                  value={values[field.name] ?? ""}
                  onInput={(e) => setValues({ ...values, [field.name]: e.currentTarget.value })}
                />
              ) : (
                <textarea
                  id={`${id}-${field.name}`}
                  name={field.name}
                  rows={2}
                  required
                  value={values[field.name] ?? ""}
                  onInput={(e) => setValues({ ...values, [field.name]: e.currentTarget.value })}
                />
              )}
            </label>
          ))}
          {refusal === undefined ? null : <Refusal error={refusal} />}
          <div class="actions">
            <button type="submit" disabled={sending}>
              {t("confirm")}
            </button>
            <button type="button" onClick={() => dialog.current?.close()}>
              {t("cancel")}
            </button>
          </div>
        </form>
      </dialog>
    </>
  )
}

/** The buttons of the commands that need a choice, each with its dialog. */
export const ChoiceCommands = (props: {
  readonly tip: Api.TipView
  readonly busy: boolean
  readonly onDone: (tip: Api.TipView) => void
}) => (
  <div class="commands choices">
    {choices.map((spec) => (
      <Choice spec={spec} tip={props.tip} busy={props.busy} onDone={props.onDone} />
    ))}
  </div>
)
