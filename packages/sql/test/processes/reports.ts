// What `takeTips.ts` children said, gathered over every process and round: which message made which tip.
// A process reports a call only after it returned, so each tip reported here must be stored.
import type { Audit } from "./audit.js"

export interface Reports {
  /** The tip each message made (or was found to have made, when it came again), by platform message id. */
  readonly tips: Map<string, { readonly tip: string; readonly code?: string }>
  /** Messages answered as duplicates: deliveries of a message that had been taken in already. */
  duplicates: number
  readonly failed: Array<string>
  readonly defects: Array<string>
  /** A message that made two tips, or a redelivery answered with another tip than the first delivery. */
  readonly problems: Array<string>
  /** The highest message number each fiber (`<worker>-<fiber>`) reported. */
  readonly last: Map<string, number>
}

export const empty = (): Reports => ({
  tips: new Map(),
  duplicates: 0,
  failed: [],
  defects: [],
  problems: [],
  last: new Map()
})

const numberOf = (message: string) => {
  const cut = message.lastIndexOf("-")
  return { fiber: message.slice(0, cut), number: Number(message.slice(cut + 1)) }
}

export const collect = (reports: Reports, lines: ReadonlyArray<string>): Reports => {
  for (const line of lines) {
    const [kind, message, tip, code] = line.split(" ")
    if (kind === "failed") reports.failed.push(line)
    if (kind === "defect") reports.defects.push(line)
    if ((kind !== "created" && kind !== "duplicate") || message === undefined || tip === undefined) continue
    if (kind === "duplicate") reports.duplicates++
    const known = reports.tips.get(message)
    if (known !== undefined && (known.tip !== tip || (kind === "created" && known.code !== undefined))) {
      reports.problems.push(`message ${message} gave tip ${known.tip}, then ${kind} ${tip}`)
    } else if (known === undefined || kind === "created") {
      reports.tips.set(message, kind === "created" ? { tip, code: code! } : { tip })
    }
    const { fiber, number } = numberOf(message)
    reports.last.set(fiber, Math.max(reports.last.get(fiber) ?? 0, number))
  }
  return reports
}

/**
 * Where each fiber of `worker` starts in the next process: at its last reported message, so that the message
 * the killed process had answered last comes again (and must be a duplicate), and the one it was taking when
 * killed comes next (a duplicate if it was stored, a new tip if not).
 */
export const resume = (reports: Reports, worker: string, fibers: number): Array<number> =>
  Array.from({ length: fibers }, (_, fiber) => reports.last.get(`${worker}-${fiber}`) ?? 1)

/** Reported tips that are not stored, or stored under another code than the process was told. */
export const unstored = (reports: Reports, stored: Audit): ReadonlyArray<string> =>
  [...reports.tips].flatMap(([message, r]) => {
    const found = stored.tips.get(r.tip)
    if (found === undefined) return [`message ${message}: tip ${r.tip} is not stored`]
    return r.code !== undefined && found.code !== r.code
      ? [`message ${message}: tip ${r.tip} was reported as ${r.code} but is stored as ${found.code}`]
      : []
  })
