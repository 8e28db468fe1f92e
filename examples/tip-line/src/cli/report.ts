/**
 * `tinbao report --unit <id> --period <period> [--group-by <dimension>] [--format table|csv|json]`: the statistics
 * of a unit's subtree over a period, from the core's engine (the figures of the staff API's reports), written by
 * the core's export (CSV for Excel, JSON) or as a table for the terminal. The operator on the server's machine
 * reads every unit: no actor's scope applies.
 *
 * Periods: `police-month:2026-11` (15 Oct to 14 Nov 2026), `police-year:2026` (15 Dec 2025 to 14 Dec 2026),
 * `month:2026-11`, `year:2026`, `day:2026-11-05`, or a range of dates `2026-01-01..2026-03-31`.
 */
import { Command, Options } from "@effect/cli"
import { Binding, Statistics, StatisticsExport, Unit } from "@tinbao/core"
import { Effect, Either, ParseResult, Schema } from "effect"
import { type CliError, config, Environment, failure, storage, usage } from "./context.js"
import { table } from "./output.js"

const forms =
  "police-month:YYYY-MM, police-year:YYYY, month:YYYY-MM, year:YYYY, day:YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"

/** Reads a period as the command line writes it; a usage error says the forms when it is none of them. */
export const parsePeriod = (text: string): Either.Either<Statistics.PeriodSpec, CliError> => {
  const month = /^(police-month|month):(\d{4})-(\d{2})$/.exec(text)
  const year = /^(police-year|year):(\d{4})$/.exec(text)
  const day = /^day:(\d{4}-\d{2}-\d{2})$/.exec(text)
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text)
  const spec = month
    ? { _tag: month[1] === "month" ? "CalendarMonth" : "PoliceMonth", year: Number(month[2]), month: Number(month[3]) }
    : year
      ? { _tag: year[1] === "year" ? "CalendarYear" : "PoliceYear", year: Number(year[2]) }
      : day
        ? { _tag: "Day", date: day[1] }
        : range
          ? { _tag: "Range", first: range[1], last: range[2] }
          : undefined
  if (spec === undefined) return Either.left(usage(`--period ${text} is not a period: ${forms}.`))
  return Either.mapLeft(Schema.decodeUnknownEither(Statistics.PeriodSpec)(spec), (error) => {
    const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
    return usage(`--period ${text} is not a period (${first?.message ?? "invalid"}).`)
  })
}

// The report's figures, one measure a line, a column per group and the total: the CSV's rows turned for a terminal.
const tableOf = (report: Statistics.Report) => {
  const [header = [], ...records] = StatisticsExport.toRows(report)
  const dimensions = (report.query.groupBy ?? []).length * 2
  const measures = header.slice(1 + dimensions)
  const columns = records.map((record) =>
    dimensions === 0
      ? "Tổng cộng (total)"
      : record
          .slice(1, 1 + dimensions)
          .filter((_, i) => i % 2 === 0)
          .join(" / ")
  )
  const title =
    `${report.root.name.vi} (${report.root.id}), ${report.period.label.vi}; ` +
    `tính đến (as of) ${records[0]?.[0] ?? ""}`
  return `${title}\n${table([
    ["", ...columns],
    ...measures.map((measure, i) => [measure, ...records.map((record) => record[1 + dimensions + i] ?? "")])
  ])}\n`
}

export const command = Command.make(
  "report",
  {
    unit: Options.text("unit").pipe(Options.withDescription("the unit whose subtree is counted")),
    period: Options.text("period").pipe(Options.withDescription(forms)),
    groupBy: Options.choice("group-by", Statistics.Dimension.literals).pipe(
      Options.optional,
      Options.withDescription("group by one dimension")
    ),
    format: Options.choice("format", ["table", "csv", "json"]).pipe(Options.withDefault("table"))
  },
  (args) =>
    Effect.gen(function* () {
      const period = yield* parsePeriod(args.period)
      const root = yield* Either.mapLeft(Schema.decodeUnknownEither(Unit.UnitId)(args.unit), () =>
        usage(`--unit ${args.unit} is not a unit id.`)
      )
      const settings = yield* config
      const report = yield* Effect.gen(function* () {
        const bindings = yield* Effect.flatMap(Binding.Bindings, (b) => b.list).pipe(Effect.mapError(failure))
        const engine = yield* Statistics.StatisticsEngine
        return yield* engine
          .query({
            root,
            period,
            reach: Object.fromEntries(Binding.reach(bindings)),
            ...(args.groupBy._tag === "Some" ? { groupBy: [args.groupBy.value] } : {})
          })
          .pipe(
            Effect.mapError((error) =>
              // A unit that does not hold then, or a period not begun, is the command line's to fix.
              error.reason === "invalid" || error.reason === "future" ? usage(error.message) : failure(error)
            )
          )
      }).pipe(Effect.provide(storage(settings)))
      const text =
        args.format === "json"
          ? `${StatisticsExport.toJson(report)}\n`
          : args.format === "csv"
            ? StatisticsExport.toCsv(report)
            : tableOf(report)
      yield* (yield* Environment).write(text)
    })
).pipe(
  Command.withDescription(
    "The statistics of a unit's subtree over a period (police month or year, month, year, range)."
  )
)
