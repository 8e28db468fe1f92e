/**
 * Tin báo / tips: the tips of my units, newest first, as the API lists them, with the status and unit filters, the
 * page size and the page (the API's keyset cursor) kept in the address (`/tips?status=…&unit=…&limit=…&cursor=…`).
 * A filter starts again from the first page; the browser's Back returns to the page before.
 */

import core from "tinbao:core"
import { useEffect, useState } from "preact/hooks"
import * as Api from "../api.js"
import { dateTime } from "../format.js"
import { useLang } from "../i18n.js"
import { Link, navigate } from "../router.js"
import { subtree, useSession } from "../session.js"
import { Refusal } from "./refusal.js"

const defaultLimit = 25

export const TipsPage = (props: { readonly query: URLSearchParams }) => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const status = props.query.get("status") ?? ""
  const unit = props.query.get("unit") ?? ""
  const limit = Math.max(1, Number(props.query.get("limit") ?? defaultLimit) || defaultLimit)
  const cursor = props.query.get("cursor") ?? ""
  const [list, setList] = useState<Api.TipList | undefined>(undefined)
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  useEffect(() => {
    setError(undefined)
    Api.tips({ status, unit, limit, cursor }).then(setList, setError)
  }, [status, unit, limit, cursor])
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
      </form>
      {error === undefined ? null : <Refusal error={error} />}
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
              </tr>
            </thead>
            <tbody>
              {list.tips.map((tip) => (
                <tr key={tip.id} class={tip.urgent ? "urgent" : undefined}>
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
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pages" aria-label={t("tips")}>
            <button type="button" disabled={cursor === ""} onClick={() => go({ cursor: "" })}>
              {t("first")}
            </button>
            <span>{t("shown", { count: list.tips.length, total: list.total })}</span>
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
