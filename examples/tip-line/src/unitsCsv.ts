/**
 * Units files as CSV: one `UnitChange` a row, in the order they are recorded (parents first), for people who keep
 * the units in a spreadsheet. The core has a CSV form for statistics reports only; this is the example's own.
 *
 * The header row names the columns (any order; each at most once; `change`, `effective_date` and `legal_basis`
 * required). A row fills the columns of its change and leaves the others empty:
 *
 * | change         | columns                                                        |
 * | -------------- | -------------------------------------------------------------- |
 * | `Established`  | `unit`, `kind`, `name_vi`, `name_en`, [`code`, `parent`, `remote`] |
 * | `Renamed`      | `unit`, `name_vi`, `name_en`, [`code`]                          |
 * | `Moved`        | `unit`, `new_parent`                                            |
 * | `Merged`       | `sources` (two or more), `into`                                 |
 * | `Split`        | `unit` (the source), `into` (two or more), `heir`               |
 * | `Dissolved`    | `unit`, [`heir`]                                                |
 * | `Reclassified` | `unit`, `kind`, [`remote`]                                      |
 *
 * Lists (`sources`, a split's `into`) separate unit ids with `|`; `remote` is `true` or `false`. The text is
 * RFC 4180 (quoted fields where needed, CRLF line ends) after a UTF-8 byte order mark, so that Excel shows the
 * Vietnamese names as they are. Every cell is written as it is: a units file is read back, not opened as a sheet
 * of formulas.
 */
import { StatisticsExport, UnitChange } from "@tinbao/core"
import { Either, ParseResult, Schema } from "effect"

/** The columns, in the order an export writes them. */
export const columns = [
  "change",
  "effective_date",
  "legal_basis",
  "unit",
  "kind",
  "name_vi",
  "name_en",
  "code",
  "parent",
  "new_parent",
  "sources",
  "into",
  "heir",
  "remote"
] as const

type Column = (typeof columns)[number]
type Row = { readonly [C in Column]?: string | undefined }

/** What is wrong with a CSV units file: where (a row's line and column, or the header) and what. */
export interface Problem {
  readonly at: string
  readonly message: string
}

const list = (ids: ReadonlyArray<string>) => ids.join("|")

// The row of a change, from its encoded form (dates and ids as text).
const rowOf = (change: typeof UnitChange.UnitChange.Encoded): Row => {
  const common = { change: change._tag, effective_date: change.effectiveDate, legal_basis: change.legalBasis }
  const remote = (r: boolean | undefined) => (r === undefined ? {} : { remote: String(r) })
  switch (change._tag) {
    case "Established":
      return {
        ...common,
        unit: change.id,
        kind: change.kind,
        name_vi: change.name.vi,
        name_en: change.name.en,
        code: change.code,
        parent: change.parent,
        ...remote(change.remote)
      }
    case "Renamed":
      return { ...common, unit: change.unit, name_vi: change.name.vi, name_en: change.name.en, code: change.code }
    case "Moved":
      return { ...common, unit: change.unit, new_parent: change.newParent }
    case "Merged":
      return { ...common, sources: list(change.sources), into: change.into }
    case "Split":
      return { ...common, unit: change.source, into: list(change.into), heir: change.heir }
    case "Dissolved":
      return { ...common, unit: change.unit, heir: change.heir }
    case "Reclassified":
      return { ...common, unit: change.unit, kind: change.kind, ...remote(change.remote) }
  }
}

// The column each field of a change is read from, to name it when the field is wrong.
const fieldColumns: Readonly<Record<string, Column>> = {
  _tag: "change",
  effectiveDate: "effective_date",
  legalBasis: "legal_basis",
  id: "unit",
  unit: "unit",
  source: "unit",
  kind: "kind",
  code: "code",
  parent: "parent",
  newParent: "new_parent",
  sources: "sources",
  into: "into",
  heir: "heir",
  remote: "remote"
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)

const encode = Schema.encodeSync(UnitChange.UnitChange)

/**
 * The changes as CSV text. Fails with the change's position when a unit id holds `|`, which a list cannot carry
 * (such a directory is exported as JSON).
 */
export const write = (changes: ReadonlyArray<UnitChange.UnitChange>): Either.Either<string, Problem> => {
  const lines: Array<string> = [columns.join(",")]
  for (const [i, change] of changes.entries()) {
    const bad = UnitChange.unitsNamed(change).find((id) => id.includes("|"))
    if (bad !== undefined) {
      return Either.left({ at: `change ${i + 1}`, message: `the unit id "${bad}" holds "|", which CSV lists use` })
    }
    const row = rowOf(encode(change))
    lines.push(columns.map((column) => quote(row[column] ?? "")).join(","))
  }
  return Either.right(`\uFEFF${lines.map((line) => `${line}\r\n`).join("")}`)
}

const decodeChange = Schema.decodeUnknownEither(UnitChange.UnitChange, { errors: "all" })

// A row as the fields of its change: empty cells are absent, lists split, `remote` read as a boolean.
const fieldsOf = (row: Row): Either.Either<Record<string, unknown>, Problem> => {
  const given = (column: Column) => (row[column] === undefined || row[column] === "" ? undefined : row[column])
  const ids = (column: Column) => given(column)?.split("|")
  const remoteText = given("remote")
  if (remoteText !== undefined && remoteText !== "true" && remoteText !== "false") {
    return Either.left({ at: "remote", message: `"true" or "false", not "${remoteText}"` })
  }
  const name =
    given("name_vi") === undefined && given("name_en") === undefined
      ? undefined
      : { vi: given("name_vi") ?? "", en: given("name_en") ?? "" }
  const tag = given("change")
  const fields: Record<string, unknown> = {
    _tag: tag,
    effectiveDate: given("effective_date"),
    legalBasis: given("legal_basis"),
    kind: given("kind"),
    name,
    code: given("code"),
    parent: given("parent"),
    newParent: given("new_parent"),
    heir: given("heir"),
    remote: remoteText === undefined ? undefined : remoteText === "true"
  }
  if (tag === "Established") fields.id = given("unit")
  else if (tag === "Split") fields.source = given("unit")
  else fields.unit = given("unit")
  if (tag === "Merged") {
    fields.sources = ids("sources")
    fields.into = given("into")
  } else {
    fields.into = ids("into")
  }
  return Either.right(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)))
}

// The columns a change of each kind may fill; a filled column it has no use for is a mistake to report.
const allowed: Readonly<Record<UnitChange.UnitChange["_tag"], ReadonlyArray<Column>>> = {
  Established: ["unit", "kind", "name_vi", "name_en", "code", "parent", "remote"],
  Renamed: ["unit", "name_vi", "name_en", "code"],
  Moved: ["unit", "new_parent"],
  Merged: ["sources", "into"],
  Split: ["unit", "into", "heir"],
  Dissolved: ["unit", "heir"],
  Reclassified: ["unit", "kind", "remote"]
}

/** Reads CSV text into changes; the first problem found, with its line and column. */
export const read = (text: string): Either.Either<ReadonlyArray<UnitChange.UnitChange>, Problem> => {
  const [header, ...records] = StatisticsExport.parseCsv(text)
  if (header === undefined) return Either.left({ at: "line 1", message: "the file is empty: a header row is expected" })
  const names = header.map((cell) => cell.trim())
  for (const [i, name] of names.entries()) {
    if (!(columns as ReadonlyArray<string>).includes(name)) {
      return Either.left({ at: "line 1", message: `unknown column "${name}" (columns: ${columns.join(", ")})` })
    }
    if (names.indexOf(name) !== i) return Either.left({ at: "line 1", message: `the column "${name}" is repeated` })
  }
  for (const required of ["change", "effective_date", "legal_basis"] as const) {
    if (!names.includes(required)) return Either.left({ at: "line 1", message: `no column "${required}"` })
  }
  const changes: Array<UnitChange.UnitChange> = []
  for (const [i, record] of records.entries()) {
    const at = (column: string) => `line ${i + 2}, column ${column}`
    // A spreadsheet may end with blank lines.
    if (record.every((cell) => cell.trim() === "")) continue
    if (record.length !== names.length) {
      return Either.left({ at: `line ${i + 2}`, message: `${record.length} cells, the header has ${names.length}` })
    }
    const row: Row = Object.fromEntries(names.map((name, j) => [name, record[j]]))
    const tag = row.change as UnitChange.UnitChange["_tag"] | undefined
    const extra =
      tag === undefined || allowed[tag] === undefined
        ? []
        : columns.slice(3).filter((column) => (row[column] ?? "") !== "" && !allowed[tag].includes(column))
    if (extra[0] !== undefined) return Either.left({ at: at(extra[0]), message: `a ${tag} change has no ${extra[0]}` })
    const fields = fieldsOf(row)
    if (Either.isLeft(fields)) return Either.left({ at: at(fields.left.at), message: fields.left.message })
    const decoded = decodeChange(fields.right)
    if (Either.isLeft(decoded)) {
      const [first] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
      const field = first?.path[0]
      const column =
        field === "name" ? `name_${String(first?.path[1] ?? "vi")}` : (fieldColumns[String(field)] ?? "change")
      return Either.left({ at: at(column), message: first?.message ?? "not a unit change" })
    }
    changes.push(decoded.right)
  }
  return Either.right(changes)
}
