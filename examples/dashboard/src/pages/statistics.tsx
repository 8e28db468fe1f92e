/**
 * Thống kê / statistics: a unit of my subtree and one period of the kinds the API takes (a range of days, a police or
 * calendar month or year), kept in the address as the API names them (`/statistics?unit=…&policeMonth=2026-12`).
 * Charts, each with a table of the same figures: received vs resolved per child unit, per channel and per month of
 * the period's year (police months for a police period), deadline compliance and the durations' p50/p90; and the CSV
 * the API exports for the same query.
 */
import type { JSX } from "preact"
import { useEffect, useMemo, useState } from "preact/hooks"
import type * as Api from "../api.js"
import { dateTime, monthStart, today } from "../format.js"
import { useLang, type Word } from "../i18n.js"
import { navigate } from "../router.js"
import { subtree, useSession } from "../session.js"
import * as Stats from "../statisticsApi.js"
import { Bars } from "../statisticsCharts.js"
import { Refusal } from "./refusal.js"

/** The kinds of period the API takes, with the word that names each and its default (today's month or year). */
const kinds = {
  range: { word: "range", period: (): Stats.Period => ({ from: monthStart(today()), to: today() }) },
  policeMonth: { word: "policeMonth", period: (): Stats.Period => ({ policeMonth: today().slice(0, 7) }) },
  policeYear: { word: "policeYear", period: (): Stats.Period => ({ policeYear: today().slice(0, 4) }) },
  month: { word: "calendarMonth", period: (): Stats.Period => ({ month: today().slice(0, 7) }) },
  year: { word: "calendarYear", period: (): Stats.Period => ({ year: today().slice(0, 4) }) }
} as const satisfies Record<string, { word: Word; period: () => Stats.Period }>
type Kind = keyof typeof kinds

const kindOf = (query: URLSearchParams): Kind =>
  (["policeMonth", "policeYear", "month", "year"] as const).find((kind) => query.has(kind)) ?? "range"

/**
 * The monthly trend's query: the year the period begins in, by calendar month, or for a police month or year the
 * police year, by police month (a police month belongs to the police year named by its year).
 */
const trendOf = (kind: Kind, period: Stats.Period) => {
  const year = (period.policeMonth ?? period.policeYear ?? period.month ?? period.year ?? period.from ?? "").slice(0, 4)
  return kind === "policeMonth" || kind === "policeYear"
    ? { year, period: { policeYear: year }, groupBy: "police_month" as const }
    : { year, period: { year }, groupBy: "calendar_month" as const }
}

interface Figures {
  readonly units: Stats.Report
  readonly channels: Stats.Report
  readonly trend: Stats.Report
}

type Say = ReturnType<typeof useLang>["t"]

const hours = (millis: number | null) => (millis === null ? null : Math.round(millis / 360_000) / 10)

export const StatisticsPage = (props: { readonly query: URLSearchParams }) => {
  const { t, lang } = useLang()
  const { me, units } = useSession()
  const unit = props.query.get("unit") ?? me.unit
  const kind = kindOf(props.query)
  const given = Object.fromEntries(
    Stats.periodParams.flatMap((name) => {
      const value = props.query.get(name)
      return value === null ? [] : [[name, value]]
    })
  ) as Stats.Period
  const period = Object.keys(given).length === 0 ? kinds[kind].period() : given
  const trend = trendOf(kind, period)
  const search = Stats.statisticsQuery(unit, period, "unit")
  // The kind picked in the form before it is sent: its fields replace the period's.
  const [picked, setPicked] = useState<Kind>(kind)
  const [figures, setFigures] = useState<Figures | undefined>(undefined)
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  useEffect(() => {
    setPicked(kind)
    setFigures(undefined)
    setError(undefined)
    Promise.all([
      Stats.statistics(unit, period, "unit"),
      Stats.statistics(unit, period, "channel"),
      Stats.statistics(unit, trend.period, trend.groupBy)
    ]).then(([units, channels, trend]) => setFigures({ units, channels, trend }), setError)
  }, [search])
  // Compliance and durations are the whole subtree's (the report's total); kept while the form changes, so the charts
  // are not drawn again.
  const totals = useMemo(
    () =>
      figures === undefined ? [] : [complianceFigure(t, figures.units.total), durationsFigure(t, figures.units.total)],
    [figures, lang]
  )
  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const chosen = Object.fromEntries(Stats.periodParams.map((name) => [name, `${form.get(name) ?? ""}`]))
    navigate(`/statistics?${Stats.statisticsQuery(`${form.get("unit")}`, chosen)}`)
  }
  const shown = picked === kind ? period : kinds[picked].period()
  return (
    <section aria-labelledby="statistics-title">
      <h1 id="statistics-title">{t("statistics")}</h1>
      <form class="filters" onSubmit={submit} key={search}>
        <label>
          {t("unitLabel")}
          <select name="unit" defaultValue={unit}>
            {subtree(units, me.unit).map((option) => (
              <option value={option.id}>{option.name[lang]}</option>
            ))}
          </select>
        </label>
        <label>
          {t("period")}
          <select value={picked} onChange={(e) => setPicked(e.currentTarget.value as Kind)}>
            {Object.entries(kinds).map(([value, { word }]) => (
              <option value={value}>{t(word)}</option>
            ))}
          </select>
        </label>
        <PeriodFields kind={picked} period={shown} key={picked} />
        <button type="submit">{t("show")}</button>
      </form>
      {error === undefined ? null : <Refusal error={error} />}
      {figures === undefined ? (
        error === undefined ? (
          <p>{t("loading")}</p>
        ) : null
      ) : (
        <>
          <p>
            {figures.units.root.name[lang]} · {figures.units.period.label[lang]} ·{" "}
            {t("measuredAt", { at: dateTime(lang, figures.units.measuredAt) })} ·{" "}
            <a href={Stats.statisticsCsvUrl(unit, period, "unit")} download>
              {t("downloadCsv")}
            </a>
          </p>
          <Counts id="units" title={t("chartTitle")} column={t("unitLabel")} report={figures.units} />
          <Counts id="channels" title={t("channelTitle")} column={t("channel")} report={figures.channels} />
          <Counts
            id="trend"
            title={t(trend.groupBy === "police_month" ? "policeTrendTitle" : "trendTitle", { year: trend.year })}
            column={t("monthValue")}
            report={figures.trend}
          />
          {totals.map((figure) => (
            <Figure {...figure} />
          ))}
        </>
      )}
    </section>
  )
}

/** The fields of one kind of period, named as the API names its parameters. */
const PeriodFields = (props: { readonly kind: Kind; readonly period: Stats.Period }) => {
  const { t } = useLang()
  const { kind, period } = props
  if (kind === "range")
    return (
      <>
        <label>
          {t("from")}
          <input type="date" name="from" defaultValue={period.from} required />
        </label>
        <label>
          {t("to")}
          <input type="date" name="to" defaultValue={period.to} required />
        </label>
      </>
    )
  return kind === "policeMonth" || kind === "month" ? (
    <label>
      {t("monthValue")}
      <input type="month" name={kind} defaultValue={period[kind]} pattern="\d{4}-\d{2}" required />
    </label>
  ) : (
    <label>
      {t("yearValue")}
      <input type="number" name={kind} defaultValue={period[kind]} min={2000} max={2199} required />
    </label>
  )
}

const measures = ["receivedInPeriod", "resolvedInPeriod", "openAtEnd", "overdueAtEnd"] as const
const measureWords = {
  receivedInPeriod: "received",
  resolvedInPeriod: "resolved",
  openAtEnd: "openAtEnd",
  overdueAtEnd: "overdueAtEnd"
} as const

/** A group's key, whatever the report is grouped by. */
const keyOf = (group: Stats.Group) =>
  group.key.unit ?? group.key.channel ?? group.key.calendarMonth ?? group.key.policeMonth ?? ""

/**
 * Received vs resolved per group (a unit, a channel, a month) as bars, and the counts in a table with the total. A
 * report without groups (a unit without children) shows its total as its one row.
 */
const Counts = (props: {
  readonly id: string
  readonly title: string
  readonly column: string
  readonly report: Stats.Report
}) => {
  const { t, lang } = useLang()
  const { report } = props
  const rows = useMemo(
    () =>
      report.groups.length > 0
        ? report.groups.map((group) => ({ key: keyOf(group), name: group.label[lang], measures: group.measures }))
        : [{ key: report.root.id, name: report.root.name[lang], measures: report.total }],
    [report, lang]
  )
  const series = useMemo(
    () => [
      { name: t("received"), colour: "received" as const, values: rows.map((row) => row.measures.receivedInPeriod) },
      { name: t("resolved"), colour: "resolved" as const, values: rows.map((row) => row.measures.resolvedInPeriod) }
    ],
    [rows, lang]
  )
  const labels = useMemo(() => rows.map((row) => row.name), [rows])
  return (
    <Figure
      id={props.id}
      title={props.title}
      labels={labels}
      series={series}
      head={[props.column, ...measures.map((measure) => t(measureWords[measure]))]}
      rows={[...rows, { key: "total", name: t("total"), measures: report.total }].map((row) => ({
        key: row.key,
        name: row.name,
        cells: measures.map((measure) => [measure, row.measures[measure]] as const)
      }))}
    />
  )
}

/** Deadlines met, met late and missed, per kind of deadline (of the tips of the period), stacked. */
const deadlineWords = {
  acknowledgement: "kind_acknowledgement",
  transfer: "kind_transfer",
  verification: "kind_verification",
  suspension_notice: "kind_suspension_notice",
  restoration: "kind_restoration",
  resolution: "kind_resolution"
} as const satisfies Record<Stats.DeadlineKind, Word>
const deadlineKinds = Object.keys(deadlineWords) as Array<Stats.DeadlineKind>

const complianceFigure = (t: Say, measures: Stats.Measures): FigureProps => {
  const labels = deadlineKinds.map((kind) => t(deadlineWords[kind]))
  const series = (["met", "metLate", "missed"] as const).map((state) => ({
    name: t(state === "met" ? "deadlineMet" : state === "metLate" ? "deadlineMetLate" : "missed"),
    colour: state,
    values: deadlineKinds.map((kind) => measures.compliance[kind][state])
  }))
  return {
    id: "compliance",
    title: t("complianceTitle"),
    labels,
    series,
    stacked: true,
    head: [t("deadline"), ...series.map((s) => s.name)],
    keys: deadlineKinds
  }
}

/** The time to acknowledge, to accept and to resolve: the median and the 90th percentile, in hours. */
const durationsFigure = (t: Say, measures: Stats.Measures): FigureProps => {
  const durations = (["timeToAcknowledge", "timeToAccept", "timeToResolve"] as const).map((name) => ({
    name,
    ...measures[name],
    p50: hours(measures[name].p50Millis),
    p90: hours(measures[name].p90Millis)
  }))
  return {
    id: "durations",
    title: t("durationsTitle"),
    labels: durations.map((d) => t(d.name)),
    series: [
      { name: t("p50"), colour: "p50", values: durations.map((d) => d.p50) },
      { name: t("p90"), colour: "p90", values: durations.map((d) => d.p90) }
    ],
    counts: false,
    head: [t("duration"), t("durationMeasured"), t("p50"), t("p90")],
    rows: durations.map((d) => ({
      key: d.name,
      name: t(d.name),
      cells: [
        ["count", d.count],
        ["p50", d.p50],
        ["p90", d.p90]
      ]
    }))
  }
}

/** A chart and the table of its figures; each row and cell names its key and measure for the tests. */
interface FigureProps {
  readonly id: string
  readonly title: string
  readonly labels: ReadonlyArray<string>
  readonly series: Parameters<typeof Bars>[0]["series"]
  readonly stacked?: boolean
  readonly counts?: boolean
  readonly head: ReadonlyArray<string>
  /** The table's rows; without them, a row per label with the series' figures, keyed by `keys`. */
  readonly rows?: ReadonlyArray<{
    readonly key: string
    readonly name: string
    readonly cells: ReadonlyArray<readonly [string, number | null]>
  }>
  readonly keys?: ReadonlyArray<string>
}

const Figure = (props: FigureProps): JSX.Element => {
  const rows =
    props.rows ??
    props.labels.map((name, i) => ({
      key: props.keys?.[i] ?? name,
      name,
      cells: props.series.map((series) => [series.colour, series.values[i] ?? null] as const)
    }))
  return (
    <section class="figure" aria-label={props.title}>
      <h2>{props.title}</h2>
      <Bars
        id={props.id}
        title={props.title}
        labels={props.labels}
        series={props.series}
        stacked={props.stacked ?? false}
        counts={props.counts ?? true}
      />
      <table class="figures" data-figures={props.id}>
        <caption class="sr-only">{props.title}</caption>
        <thead>
          <tr>
            {props.head.map((head) => (
              <th scope="col">{head}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr data-key={row.key}>
              <th scope="row">{row.name}</th>
              {row.cells.map(([measure, value]) => (
                <td data-measure={measure}>{value ?? "—"}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
