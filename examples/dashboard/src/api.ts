/**
 * The staff API as the page calls it: same-origin requests with the session cookie, and the session's CSRF token
 * (kept from the login in localStorage, so every tab of the session can act) on every state-changing request.
 * The types describe the JSON the API answers (examples/tip-line/src/api.ts declares it).
 */
import type { Label } from "tinbao:core"

export interface Me {
  readonly username: string
  readonly unit: string
  readonly roles: ReadonlyArray<string>
}

export interface TipView {
  readonly id: string
  readonly version: number
  readonly code: string
  readonly registerNumber: number
  readonly registerYear: number
  readonly receivingUnit: string
  readonly unit: string
  readonly status: string
  readonly legalType: string
  readonly category: string
  readonly channel: string
  readonly summary: string
  readonly receivedAt: string
  readonly lastEventAt: string
  readonly urgent: boolean
  readonly pendingTransferTo?: string
  readonly evidence: { readonly pending: number; readonly stored: number; readonly notRetrieved: number }
  readonly followUps: number
  readonly repliesToReporter: number
}

/** A page of the list, newest first: `nextCursor` asks for the page after it (keyset pagination). */
export interface TipList {
  readonly tips: ReadonlyArray<TipView>
  readonly total: number
  readonly limit: number
  readonly nextCursor?: string
}

/** An event of a tip's history: its tag, when, by whom, and the fields of its kind. */
export interface TipEvent {
  readonly _tag: string
  readonly at: string
  readonly by: string
  readonly [field: string]: unknown
}

export interface UnitView {
  readonly id: string
  readonly name: Label
  readonly kind: string
  readonly parent?: string
}

export interface Measures {
  readonly receivedInPeriod: number
  readonly resolvedInPeriod: number
  readonly openAtEnd: number
  readonly overdueAtEnd: number
}

export interface Report {
  readonly root: { readonly id: string; readonly name: Label }
  readonly period: { readonly first: string; readonly last: string; readonly label: Label }
  readonly measuredAt: string
  readonly total: Measures
  readonly groups: ReadonlyArray<{
    readonly key: { readonly unit?: string }
    readonly label: Label
    readonly measures: Measures
  }>
}

/** A refusal or failure of the API: its status, its error's tag and the message the server gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly tag: string,
    message: string,
    readonly retryAfter?: number
  ) {
    super(message)
  }
}

const csrfKey = "tinbao.csrf"

/** Called when the session has ended (401): the page shows the login again. */
let unauthorized = () => {}
export const onUnauthorized = (handler: () => void) => {
  unauthorized = handler
}

const request = async <A>(method: string, path: string, body?: unknown): Promise<A> => {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers["content-type"] = "application/json"
  if (method !== "GET") headers["x-csrf-token"] = localStorage.getItem(csrfKey) ?? ""
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  const json = text === "" ? undefined : (JSON.parse(text) as unknown)
  if (response.ok) return json as A
  const error = (json ?? {}) as { _tag?: string; message?: string; retryAfter?: number }
  if (response.status === 401 && path !== "/api/login") unauthorized()
  throw new ApiError(response.status, error._tag ?? "Error", error.message ?? response.statusText, error.retryAfter)
}

const query = (params: Readonly<Record<string, string | number | undefined>>) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(key, `${value}`)
  return search.toString()
}

export const login = async (username: string, password: string): Promise<void> => {
  const answer = await request<{ csrfToken: string }>("POST", "/api/login", { username, password })
  localStorage.setItem(csrfKey, answer.csrfToken)
}

export const logout = async (): Promise<void> => {
  try {
    await request<void>("POST", "/api/logout")
  } finally {
    localStorage.removeItem(csrfKey)
  }
}

export const me = () => request<Me>("GET", "/api/me")
export const units = () => request<ReadonlyArray<UnitView>>("GET", "/api/units")
export const tips = (params: { status?: string; unit?: string; limit: number; cursor?: string }) =>
  request<TipList>("GET", `/api/tips?${query(params)}`)
export const tip = (id: string) => request<TipView>("GET", `/api/tips/${encodeURIComponent(id)}`)
export const history = (id: string) =>
  request<ReadonlyArray<TipEvent>>("GET", `/api/tips/${encodeURIComponent(id)}/history`)
export const command = (id: string, expectedVersion: number, command: { readonly _tag: string }) =>
  request<TipView>("POST", `/api/tips/${encodeURIComponent(id)}/commands`, { expectedVersion, command })
export const reply = (id: string, expectedVersion: number, text: string) =>
  request<TipView>("POST", `/api/tips/${encodeURIComponent(id)}/reply`, { text, expectedVersion })

/** The statistics of a unit's subtree over a range of days, grouped by child unit; and the same as CSV. */
export const statisticsParams = (params: { unit: string; from: string; to: string }) =>
  query({ ...params, groupBy: "unit" })
export const statistics = (params: { unit: string; from: string; to: string }) =>
  request<Report>("GET", `/api/statistics?${statisticsParams(params)}`)
export const statisticsCsvUrl = (params: { unit: string; from: string; to: string }) =>
  `/api/statistics.csv?${statisticsParams(params)}`
