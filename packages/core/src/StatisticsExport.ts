/**
 * Exports of statistics reports: CSV that opens correctly in Excel with Vietnamese text, and JSON.
 *
 * The CSV is RFC 4180 (fields quoted when they hold the delimiter, a quote or a line break; quotes doubled), ends each
 * record with CRLF, and starts with a UTF-8 byte order mark, without which Excel reads UTF-8 as the system's code page
 * and garbles Vietnamese. The header row is bilingual, Vietnamese first: "Tiếp nhận (received)". One row per group,
 * then a total row; each starts with the instant the figures were taken, "Tính đến (as of)", in Vietnam time.
 * Durations are in hours; the resolution rate is a percentage.
 *
 * A report holds aggregates only: no tip, no reporter and no alias, so no export can name a reporter.
 *
 * @since 0.1.0
 * @module
 */
import { type Either, type ParseResult, Schema } from "effect"
import * as DateTime from "effect/DateTime"
import { asOfHeader, codeOf, dimensionHeaders, measureColumns } from "./internal/statistics/columns.js"
import * as Csv from "./internal/statistics/csv.js"
import { instantText } from "./internal/statistics/period.js"
import type { Measures } from "./Statistics.js"
import { Report } from "./Statistics.js"

/**
 * How to write the CSV. The defaults (`,` and `.`) are RFC 4180 and what Excel expects with English regional settings.
 * Excel set to Vietnamese regional settings separates list items with `;` and decimals with `,`: pass
 * `{ delimiter: ";", decimalSeparator: "," }` for files people open by double-click there.
 *
 * @since 0.1.0
 * @category models
 */
export interface CsvOptions {
  readonly delimiter?: "," | ";" | "\t"
  readonly decimalSeparator?: "." | ","
}

/**
 * The report's header row and records, as text cells (before quoting). The first column of every record is the
 * instant the figures were taken (`Report.measuredAt`) in Vietnam time with its offset, `2025-08-10T14:05:09+07:00`:
 * a report of a period still running holds what had happened by then, and the column travels with every row that is
 * copied elsewhere. Text that would start like a spreadsheet formula (`=`, `+`, `-`, `@`) gets a leading apostrophe,
 * so that opening the file runs nothing.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toRows = (report: Report, options: CsvOptions = {}): ReadonlyArray<ReadonlyArray<string>> => {
  const decimal = options.decimalSeparator ?? "."
  const number = (x: number, digits: number) => {
    const s = String(Number(x.toFixed(digits)))
    return decimal === "." ? s : s.replace(".", decimal)
  }
  const dimensions = report.query.groupBy ?? []
  const measures = (m: Measures) => measureColumns.map((c) => c.cell(m, number))
  const asOf = instantText(DateTime.toEpochMillis(report.measuredAt))
  const header = [asOfHeader, ...dimensions.flatMap(dimensionHeaders), ...measureColumns.map((c) => c.header)]
  const groups = report.groups.map((g) => [
    asOf,
    ...dimensions.flatMap((d, i) => [Csv.text(g.labels[i].vi), Csv.text(codeOf(g.key, d))]),
    ...measures(g.measures)
  ])
  const totalLabel = dimensions.length === 0 ? [] : ["Tổng cộng (total)", ...Array(dimensions.length * 2 - 1).fill("")]
  return [header, ...groups, [asOf, ...totalLabel, ...measures(report.total)]]
}

/**
 * The report as CSV text: byte order mark, bilingual header, one record per group, the total last, CRLF line ends.
 * Write it to a file as UTF-8 as it is.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toCsv = (report: Report, options: CsvOptions = {}): string =>
  Csv.write(toRows(report, options), options.delimiter ?? ",")

/**
 * Reads CSV text back into records of text cells (a byte order mark is skipped; CRLF, LF and CR end records). For
 * checking exports and for tools that read them.
 *
 * @since 0.1.0
 * @category conversions
 */
export const parseCsv = (
  text: string,
  options: Pick<CsvOptions, "delimiter"> = {}
): ReadonlyArray<ReadonlyArray<string>> => Csv.parse(text, options.delimiter ?? ",")

/**
 * The report as JSON, in the encoded form of its schema (dates as `YYYY-MM-DD`), indented for people.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toJson = (report: Report): string => JSON.stringify(Schema.encodeSync(Report)(report), null, 2)

/**
 * Reads a report from its JSON.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromJson = (json: string): Either.Either<Report, ParseResult.ParseError> =>
  Schema.decodeUnknownEither(Schema.parseJson(Report))(json)
