/**
 * Tin báo / tips: the tips of my units, newest first, as the API lists them, with the filters (status, overdue,
 * unit, channel, and one kind of period: police or calendar month or year, or a range of days), the page size and
 * the page (the API's keyset cursor) kept in the address (`/tips?status=…&policeMonth=2026-12&cursor=…`). A filter
 * starts again from the first page; the browser's Back returns to the page before. Each row shows its next deadline
 * with the time left (the list's answer carries none, so the page asks each shown tip's deadlines); a row with a
 * missed deadline is highlighted.
 *
 * New tips appear without a reload: the page listens to the server's events (`GET /api/events`); on the first page a
 * tip created or changed reloads the list (so the filters apply as the API applies them), on a later page the new
 * tips are counted in a bar that leads to the first page.
 */

import core from "tinbao:core"
import { useEffect, useState } from "preact/hooks"
import * as Api from "../api.js"
import { DeadlineState, nextDeadline, overdue } from "../deadlines.js"
import { dateTime, monthStart, today } from "../format.js"
import { useLang } from "../i18n.js"
import { Link, navigate } from "../router.js"
import { subtree, useSession } from "../session.js"
import { Refusal } from "./refusal.js"

const defaultLimit = 25

/** The kinds of period the API takes, each with the address's parameters it sets and their default values. */
const periods = {
  policeMonth: { word: "policeMonth", params: () => ({ policeMonth: today().slice(0, 7) }) },
  policeYear: { word: "policeYear", params: () => ({ policeYear: today().slice(0, 4) }) },
  month: { word: "calendarMonth", params: () => ({ month: today().slice(0, 7) }) },
  year: { word: "calendarYear", params: () => ({ year: today().slice(0, 4) }) },
  range: { word: "range", params: () => ({ from: monthStart(today()), to: today() }) }
} as const
type PeriodKind = keyof typeof periods
const periodParams = ["policeMonth", "policeYear", "month", "year", "from", "to"] as const

const periodOf = (query: URLSearchParams): PeriodKind | "" =>
  query.has("from") || query.has("to")
    ? "range"
    : ((["policeMonth", "policeYear", "month", "year"] as const).find((kind) => query.has(kind)) ?? "")

export const TipsPage = (props: { readonly query: URLSearchParams }) => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const filters: Api.TipFilters = Object.fromEntries(
    Api.tipFilters.flatMap((name) => {
      const value = props.query.get(name)
      return value === null || value === "" ? [] : [[name, value]]
    })
  )
  const { status = "", unit = "", overdue: overdueOnly = "", channel = "", category = "" } = filters
  const period = periodOf(props.query)
  const limit = Math.max(1, Number(props.query.get("limit") ?? defaultLimit) || defaultLimit)
  const cursor = props.query.get("cursor") ?? ""
  const [list, setList] = useState<Api.TipList | undefined>(undefined)
  const [deadlines, setDeadlines] = useState<ReadonlyMap<string, ReadonlyArray<Api.Deadline>>>(new Map())
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  // Bumped by the server's events: the first page loads again; a later page counts the new tips.
  const [changes, setChanges] = useState(0)
  const [created, setCreated] = useState<ReadonlySet<string>>(new Set())
  useEffect(
    () =>
      Api.listen((change) => {
        if (cursor === "") setChanges((n) => n + 1)
        else if (change.change === "created") setCreated((ids) => new Set([...ids, change.id]))
      }),
    [cursor]
  )
  const key = `${Api.tipFilters.map((name) => filters[name] ?? "").join("|")}|${limit}|${cursor}|${changes}`
  useEffect(() => {
    // An answer for filters no longer shown (the officer changed them meanwhile) is dropped.
    let shown = true
    setError(undefined)
    if (cursor === "") setCreated(new Set())
    Api.tips({ ...filters, limit, cursor })
      .then(async (found) => {
        if (!shown) return
        setList(found)
        const due = await Promise.all(found.tips.map((tip) => Api.deadlines(tip.id).then((d) => [tip.id, d] as const)))
        if (shown) setDeadlines(new Map(due))
      })
      .catch((failure: unknown) => {
        if (!(failure instanceof Api.ApiError)) throw failure
        if (shown) setError(failure)
      })
    return () => {
      shown = false
    }
  }, [key])
  const now = Date.now()
  const go = (changes: Readonly<Record<string, string>>) => {
    const next = new URLSearchParams(props.query)
    for (const [key, value] of Object.entries(changes)) value === "" ? next.delete(key) : next.set(key, value)
    navigate(`/tips${next.toString() === "" ? "" : `?${next}`}`)
  }
  return (
    <section aria-labelledby="tips-title">
      <h1 id="tips-title">{t("tips")}</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t("status")}
          <select name="status" value={status} onChange={(e) => go({ status: e.currentTarget.value, cursor: "" })}>
            <option value="">{t("all")}</option>
            {Object.entries(core.statuses).map(([value, name]) => (
              <option value={value}>{name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("unitLabel")}
          <select name="unit" value={unit} onChange={(e) => go({ unit: e.currentTarget.value, cursor: "" })}>
            <option value="">{t("all")}</option>
            {subtree(units, me.unit).map((option) => (
              <option value={option.id}>{option.name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("overdue")}
          <select
            name="overdue"
            value={overdueOnly}
            onChange={(e) => go({ overdue: e.currentTarget.value, cursor: "" })}
          >
            <option value="">{t("all")}</option>
            <option value="true">{t("overdueOnly")}</option>
            <option value="false">{t("notOverdue")}</option>
          </select>
        </label>
        <label>
          {t("channel")}
          <select name="channel" value={channel} onChange={(e) => go({ channel: e.currentTarget.value, cursor: "" })}>
            <option value="">{t("all")}</option>
            {Object.entries(core.channels).map(([value, name]) => (
              <option value={value}>{name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("category")}
          <select
            name="category"
            value={category}
            onChange={(e) => go({ category: e.currentTarget.value, cursor: "" })}
          >
            <option value="">{t("all")}</option>
            {Object.entries(core.categories).map(([value, name]) => (
              <option value={value}>{name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("period")}
          <select
            name="period"
            value={period}
            onChange={(e) => {
              const kind = e.currentTarget.value as PeriodKind | ""
              const cleared = Object.fromEntries(periodParams.map((name) => [name, ""]))
              go({ ...cleared, ...(kind === "" ? {} : periods[kind].params()), cursor: "" })
            }}
          >
            <option value="">{t("periodAny")}</option>
            {Object.entries(periods).map(([kind, { word }]) => (
              <option value={kind}>{t(word)}</option>
            ))}
          </select>
        </label>
        {period === "policeMonth" || period === "month" ? (
          <label>
            {t("monthValue")}
            <input
              type="month"
              name={period}
              value={filters[period] ?? ""}
              required
              onChange={(e) => go({ [period]: e.currentTarget.value, cursor: "" })}
            />
          </label>
        ) : period === "policeYear" || period === "year" ? (
          <label>
            {t("yearValue")}
            <input
              type="number"
              name={period}
              min={2000}
              max={2100}
              value={filters[period] ?? ""}
              required
              onChange={(e) => go({ [period]: e.currentTarget.value, cursor: "" })}
            />
          </label>
        ) : period === "range" ? (
          <>
            <label>
              {t("from")}
              <input
                type="date"
                name="from"
                value={filters.from ?? ""}
                onChange={(e) => go({ from: e.currentTarget.value, cursor: "" })}
              />
            </label>
            <label>
              {t("to")}
              <input
                type="date"
                name="to"
                value={filters.to ?? ""}
                onChange={(e) => go({ to: e.currentTarget.value, cursor: "" })}
              />
            </label>
          </>
        ) : null}
      </form>
      {error === undefined ? null : <Refusal error={error} />}
      {created.size === 0 ? null : (
        <p class="new-tips" role="status">
          {t("newTips", { n: created.size })}{" "}
          <button type="button" onClick={() => go({ cursor: "" })}>
            {t("showNew")}
          </button>
        </p>
      )}
      {list === undefined ? (
        <p>{t("loading")}</p>
      ) : list.tips.length === 0 ? (
        <p>{t("noTips")}</p>
      ) : (
        <>
          <table class="tips">
            <thead>
              <tr>
                <th scope="col">{t("code")}</th>
                <th scope="col">{t("receivedAt")}</th>
                <th scope="col">{t("unitLabel")}</th>
                <th scope="col">{t("category")}</th>
                <th scope="col">{t("channel")}</th>
                <th scope="col">{t("status")}</th>
                <th scope="col">{t("nextDeadline")}</th>
              </tr>
            </thead>
            <tbody>
              {list.tips.map((tip) => {
                const due = deadlines.get(tip.id)
                const next = due === undefined ? undefined : nextDeadline(due)
                const late = due !== undefined && overdue(due)
                return (
                  <tr
                    key={tip.id}
                    data-tip={tip.id}
                    class={[tip.urgent ? "urgent" : "", late ? "overdue" : ""].join(" ").trim() || undefined}
                  >
                    <td data-label={t("code")}>
                      <Link href={`/tips/${encodeURIComponent(tip.id)}`}>{tip.code}</Link>
                      {tip.urgent ? <span class="badge">{t("urgent")}</span> : null}
                    </td>
                    <td data-label={t("receivedAt")}>{dateTime(lang, tip.receivedAt)}</td>
                    <td data-label={t("unitLabel")}>{l(units.get(tip.unit)?.name, tip.unit)}</td>
                    <td data-label={t("category")}>{l(core.categories[tip.category], tip.category)}</td>
                    <td data-label={t("channel")}>{l(core.channels[tip.channel], tip.channel)}</td>
                    <td data-label={t("status")}>
                      <span class={`status status-${tip.status}`}>{l(core.statuses[tip.status], tip.status)}</span>
                      {late ? <span class="badge">{t("overdue")}</span> : null}
                    </td>
                    <td data-label={t("nextDeadline")} class="next-deadline">
                      {next === undefined ? (
                        due === undefined ? (
                          "…"
                        ) : (
                          "—"
                        )
                      ) : (
                        <>
                          {next.label[lang]}: <DeadlineState deadline={next} now={now} />
                        </>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <nav class="pages" aria-label={t("tips")}>
            <button type="button" disabled={cursor === ""} onClick={() => go({ cursor: "" })}>
              {t("first")}
            </button>
            <span>
              {list.total === undefined
                ? t("shownOnPage", { count: list.tips.length })
                : t("shown", { count: list.tips.length, total: list.total })}
            </span>
            <button
              type="button"
              disabled={list.nextCursor === undefined}
              onClick={() => go({ cursor: list.nextCursor ?? "" })}
            >
              {t("next")}
            </button>
          </nav>
        </>
      )}
    </section>
  )
}
