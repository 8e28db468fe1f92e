/** RFC 4180 fields and records: quoted when they hold the delimiter, a quote or a line break; quotes doubled. */

const BOM = "\uFEFF"
const CRLF = "\r\n"

// A cell that starts like a formula is run by spreadsheets (CSV injection); a leading apostrophe keeps it text.
const formulaStart = /^[=+\-@\t\r]/

/** A text cell, safe to open in a spreadsheet. */
export const text = (s: string): string => (formulaStart.test(s) ? `'${s}` : s)

const field = (s: string, delimiter: string): string =>
  s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r") ? `"${s.replaceAll('"', '""')}"` : s

/** The document: a UTF-8 byte order mark (so Excel reads UTF-8), then each record ended by CRLF. */
export const write = (rows: ReadonlyArray<ReadonlyArray<string>>, delimiter: string): string =>
  BOM + rows.map((row) => row.map((cell) => field(cell, delimiter)).join(delimiter) + CRLF).join("")

/** Reads a document back into records; a byte order mark is skipped, and CRLF, LF and CR all end a record. */
export const parse = (input: string, delimiter: string): Array<Array<string>> => {
  const s = input.startsWith(BOM) ? input.slice(1) : input
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let cell = ""
  let quoted = false
  let i = 0
  const endRow = () => {
    row.push(cell)
    rows.push(row)
    row = []
    cell = ""
  }
  while (i < s.length) {
    const c = s[i]
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else cell += c
      i++
      continue
    }
    if (c === '"' && cell === "") quoted = true
    else if (c === delimiter) {
      row.push(cell)
      cell = ""
    } else if (c === "\r" || c === "\n") {
      endRow()
      if (c === "\r" && s[i + 1] === "\n") i++
    } else cell += c
    i++
  }
  if (cell !== "" || row.length > 0) endRow()
  return rows
}
