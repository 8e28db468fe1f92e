/**
 * A tip: its state, its timeline in plain words, the lifecycle commands (disabled with the reason when the core's
 * graph rules them out for this state or these roles; those that need a choice in a dialog, `choices.tsx`), and a reply to the reporter. A refusal of the API (403, 409,
 * 422) is shown as the server words it. A tip the officer may not see is "not found", as the API answers.
 */

import core from "tinbao:core"
import { useEffect, useState } from "preact/hooks"
import * as Api from "../api.js"
import { ChoiceCommands } from "../choices.js"
import { commandOf, commands, unavailable } from "../commands.js"
import { Deadlines } from "../deadlines.js"
import { EvidenceList } from "../evidence.js"
import { dateTime } from "../format.js"
import { useLang } from "../i18n.js"
import { Reveal } from "../reveal.js"
import { Link } from "../router.js"
import { useSession } from "../session.js"
import { sentence } from "../timeline.js"
import { Refusal } from "./refusal.js"

export const TipPage = (props: { readonly id: string }) => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const [tip, setTip] = useState<Api.TipView | undefined>(undefined)
  const [events, setEvents] = useState<ReadonlyArray<Api.TipEvent>>([])
  const [deadlines, setDeadlines] = useState<ReadonlyArray<Api.Deadline>>([])
  const [evidence, setEvidence] = useState<ReadonlyArray<Api.Evidence>>([])
  const [failure, setFailure] = useState<Api.ApiError | undefined>(undefined)
  const [refusal, setRefusal] = useState<Api.ApiError | undefined>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [reason, setReason] = useState("")
  const [reply, setReply] = useState("")
  const [busy, setBusy] = useState(false)

  const load = () =>
    Promise.all([Api.tip(props.id), Api.history(props.id), Api.deadlines(props.id), Api.evidence(props.id)]).then(
      ([found, history, due, files]) => {
        setTip(found)
        setEvents(history)
        setDeadlines(due)
        setEvidence(files)
        setFailure(undefined)
      },
      setFailure
    )
  useEffect(() => {
    setTip(undefined)
    load()
  }, [props.id])

  // Runs a change, then reloads the tip and its timeline; a refusal stays on screen until the next change.
  const act = async (change: () => Promise<Api.TipView>, after: () => void) => {
    setBusy(true)
    setNotice(undefined)
    try {
      setTip(await change())
      setRefusal(undefined)
      setNotice(t("done"))
      after()
      await load()
    } catch (error) {
      if (error instanceof Api.ApiError) setRefusal(error)
      else throw error
    } finally {
      setBusy(false)
    }
  }

  if (failure !== undefined) {
    return (
      <section>
        <p class="error" role="alert">
          {failure.status === 404 ? t("tipNotFound") : failure.message}
        </p>
        <Link href="/tips">{t("backToList")}</Link>
      </section>
    )
  }
  if (tip === undefined) return <p>{t("loading")}</p>
  const unitName = (id: string) => l(units.get(id)?.name, id)
  return (
    <article class="tip" aria-labelledby="tip-title">
      <Link href="/tips">{t("backToList")}</Link>
      <h1 id="tip-title">
        {tip.code} <span class={`status status-${tip.status}`}>{l(core.statuses[tip.status], tip.status)}</span>
        {tip.urgent ? <span class="badge">{t("urgent")}</span> : null}
      </h1>
      <dl class="facts">
        <dt>{t("receivedAt")}</dt>
        <dd>{dateTime(lang, tip.receivedAt)}</dd>
        <dt>{t("unitLabel")}</dt>
        <dd>{unitName(tip.unit)}</dd>
        <dt>{t("category")}</dt>
        <dd>{l(core.categories[tip.category], tip.category)}</dd>
        <dt>{t("legalType")}</dt>
        <dd>{l(core.legalTypes[tip.legalType], tip.legalType)}</dd>
        <dt>{t("channel")}</dt>
        <dd>{l(core.channels[tip.channel], tip.channel)}</dd>
        <dt>{t("evidence")}</dt>
        <dd>{t("evidenceCounts", tip.evidence)}</dd>
        {tip.pendingTransferTo === undefined ? null : (
          <>
            <dt>{t("pendingTransfer")}</dt>
            <dd>{unitName(tip.pendingTransferTo)}</dd>
          </>
        )}
      </dl>
      <h2>{t("summary")}</h2>
      <p class="summary">{tip.summary}</p>

      <section aria-labelledby="deadlines-title">
        <h2 id="deadlines-title">{t("deadlines")}</h2>
        <Deadlines deadlines={deadlines} />
      </section>

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t("evidence")}</h2>
        <EvidenceList tip={tip.id} files={evidence} />
      </section>

      <section aria-labelledby="commands-title">
        <h2 id="commands-title">{t("commands")}</h2>
        {refusal === undefined ? null : (
          <Refusal error={refusal} onReload={() => load().then(() => setRefusal(undefined))} />
        )}
        {notice === undefined ? null : (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label class="wide">
          {t("reason")}
          <textarea id="reason" rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <div class="commands">
          {commands.map((spec) => {
            const why = unavailable(spec, tip, me, lang)
            return (
              <button
                type="button"
                data-command={spec.name}
                disabled={busy || why !== undefined}
                title={why}
                aria-describedby={why === undefined ? undefined : `why-${spec.name}`}
                onClick={() => {
                  if (spec.field !== undefined && reason.trim() === "") {
                    setNotice(t("reasonFirst"))
                    document.getElementById("reason")?.focus()
                    return
                  }
                  act(
                    () => Api.command(tip.id, tip.version, commandOf(spec, reason)),
                    () => setReason("")
                  )
                }}
              >
                {spec.label[lang === "vi" ? 0 : 1]}
                {why === undefined ? null : (
                  <span id={`why-${spec.name}`} class="sr-only">
                    {why}
                  </span>
                )}
              </button>
            )
          })}
        </div>
        <ChoiceCommands
          tip={tip}
          busy={busy}
          onDone={(changed) => {
            setTip(changed)
            setRefusal(undefined)
            setNotice(t("done"))
            load()
          }}
        />
      </section>

      <section aria-labelledby="reply-title">
        <h2 id="reply-title">{t("reply")}</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (reply.trim() !== "")
              act(
                () => Api.reply(tip.id, tip.version, reply),
                () => setReply("")
              )
          }}
        >
          <label class="wide">
            <span class="hint">{t("replyHint")}</span>
            <textarea name="reply" rows={3} value={reply} onInput={(e) => setReply(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t("send")}
          </button>
        </form>
      </section>

      {me.roles.includes("identity_custodian") ? <Reveal tip={tip} busy={busy} act={act} /> : null}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("timeline")}</h2>
        <ol class="timeline">
          {events.map((event) => (
            <li data-event={event._tag}>
              <time dateTime={event.at}>{dateTime(lang, event.at)}</time>
              <span class="by">{event.by === "system" ? t("system") : event.by}</span>
              <span class="what">{sentence(event, lang, { unit: unitName })}</span>
            </li>
          ))}
        </ol>
      </section>
    </article>
  )
}
