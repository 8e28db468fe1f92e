/**
 * Thống kê / statistics: a unit of my subtree and a range of days (kept in the address), the chart of received vs
 * resolved per child unit, the same figures as a table, and the CSV the API exports for the same query.
 */
import { useEffect, useMemo, useState } from "preact/hooks"
import * as Api from "../api.js"
import { BarChart } from "../chart.js"
import { dateTime, monthStart, today } from "../format.js"
import { useLang } from "../i18n.js"
import { navigate } from "../router.js"
import { subtree, useSession } from "../session.js"
import { Refusal } from "./refusal.js"

export const StatisticsPage = (props: { readonly query: URLSearchParams }) => {
  const { t, lang } = useLang()
  const { me, units } = useSession()
  const params = {
    unit: props.query.get("unit") ?? me.unit,
    from: props.query.get("from") ?? monthStart(today()),
    to: props.query.get("to") ?? today()
  }
  const [report, setReport] = useState<Api.Report | undefined>(undefined)
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  useEffect(() => {
    setReport(undefined)
    setError(undefined)
    Api.statistics(params).then(setReport, setError)
  }, [params.unit, params.from, params.to])
  // A unit without children has no groups: its total is its one row.
  const rows = useMemo(
    () =>
      report === undefined
        ? []
        : report.groups.length > 0
          ? report.groups.map((group) => ({ id: group.key.unit ?? "", name: group.label, measures: group.measures }))
          : [{ id: report.root.id, name: report.root.name, measures: report.total }],
    [report]
  )
  const series = useMemo(
    () => ({
      labels: rows.map((row) => row.name[lang]),
      received: rows.map((row) => row.measures.receivedInPeriod),
      resolved: rows.map((row) => row.measures.resolvedInPeriod),
      names: { received: t("received"), resolved: t("resolved") }
    }),
    [rows, lang]
  )
  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    navigate(`/statistics?${new URLSearchParams([...form.entries()].map(([key, value]) => [key, `${value}`]))}`)
  }
  return (
    <section aria-labelledby="statistics-title">
      <h1 id="statistics-title">{t("statistics")}</h1>
      <form class="filters" onSubmit={submit} key={`${params.unit} ${params.from} ${params.to}`}>
        <label>
          {t("unitLabel")}
          <select name="unit" defaultValue={params.unit}>
            {subtree(units, me.unit).map((option) => (
              <option value={option.id}>{option.name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("from")}
          <input type="date" name="from" defaultValue={params.from} required />
        </label>
        <label>
          {t("to")}
          <input type="date" name="to" defaultValue={params.to} required />
        </label>
        <button type="submit">{t("show")}</button>
      </form>
      {error === undefined ? null : <Refusal error={error} />}
      {report === undefined ? (
        error === undefined ? (
          <p>{t("loading")}</p>
        ) : null
      ) : (
        <>
          <p>
            {report.root.name[lang]} · {report.period.label[lang]} ·{" "}
            {t("measuredAt", { at: dateTime(lang, report.measuredAt) })} ·{" "}
            <a href={Api.statisticsCsvUrl(params)} download>
              {t("downloadCsv")}
            </a>
          </p>
          <BarChart series={series} title={t("chartTitle")} />
          <table class="figures">
            <caption>{t("chartTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("unitLabel")}</th>
                <th scope="col">{t("received")}</th>
                <th scope="col">{t("resolved")}</th>
                <th scope="col">{t("openAtEnd")}</th>
                <th scope="col">{t("overdueAtEnd")}</th>
              </tr>
            </thead>
            <tbody>
              {[...rows, { id: "total", name: { vi: t("total"), en: t("total") }, measures: report.total }].map(
                (row) => (
                  <tr data-unit={row.id}>
                    <th scope="row">{row.id === "total" ? t("total") : row.name[lang]}</th>
                    <td data-measure="receivedInPeriod">{row.measures.receivedInPeriod}</td>
                    <td data-measure="resolvedInPeriod">{row.measures.resolvedInPeriod}</td>
                    <td data-measure="openAtEnd">{row.measures.openAtEnd}</td>
                    <td data-measure="overdueAtEnd">{row.measures.overdueAtEnd}</td>
                  </tr>
                )
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
