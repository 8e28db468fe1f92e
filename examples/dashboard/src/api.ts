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

/**
 * A page of the list, newest first: `nextCursor` asks for the page after it (keyset pagination). `total`, every
 * match, comes with the overdue filter only.
 */
export interface TipList {
  readonly tips: ReadonlyArray<TipView>
  readonly total?: number
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

/** A deadline of a tip as the core computes it now: pending (due), met, met late or missed. */
export interface Deadline {
  readonly kind: string
  readonly label: Label
  readonly dueAt: string
  readonly status: "pending" | "met" | "missed" | "met_late"
  readonly closedAt?: string
}

/** An evidence file of a tip: pending, stored (its item: hash, size, media type) or not retrieved (why). */
export interface Evidence {
  readonly status: "pending" | "stored" | "not_retrieved"
  readonly declaredAs?: string
  readonly attachedAt?: string
  readonly recordedAt?: string
  readonly item?: {
    readonly hash: string
    readonly size: number
    readonly mediaType: string
    readonly storedAt: string
  }
  readonly reason?: string
  readonly message?: string
}

/** A reporter's identity, as the vault answers a custodian's reveal: shown once, never kept by the page. */
export interface Identity {
  readonly channel: string
  readonly platformUserId: string
  readonly displayName?: string
  readonly phone?: string
  readonly address?: string
}

/** A change of the unit hierarchy (UnitChange of the core): its tag, date, legal basis and the fields of its kind. */
export interface UnitChange {
  readonly _tag: string
  readonly effectiveDate: string
  readonly legalBasis: string
  readonly [field: string]: unknown
}

/** A binding: a channel, or one conversation on it, and the unit that owns it. */
export interface Binding {
  readonly channel: string
  readonly conversation?: string
  readonly unit: string
}

/** A configured channel: its platform, unit, credentials (an OA's or a page's), webhook and dead letters. */
export interface Channel {
  readonly id: string
  readonly platform: { readonly id: string; readonly label: Label }
  readonly unit: string
  readonly credentials?: "active" | "reconnect" | "missing"
  readonly webhook: string
  readonly deadLetters: number
  readonly lastDeliveryAt?: string
}

/** A dead letter without its body, headers or URL (they may name the reporter). */
export interface DeadLetter {
  readonly id: string
  readonly webhook: string
  readonly receivedAt: string
  readonly attempts: number
  readonly deadReason?: string
  readonly lastError?: string
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
export const units = (on?: string) =>
  request<ReadonlyArray<UnitView>>("GET", `/api/units${on === undefined ? "" : `?${query({ on })}`}`)
export const unitHistory = (id: string) =>
  request<ReadonlyArray<UnitChange>>("GET", `/api/units/${encodeURIComponent(id)}/history`)
export const bindings = () => request<ReadonlyArray<Binding>>("GET", "/api/bindings")
export const bind = (binding: Binding) => request<Binding>("POST", "/api/bindings", binding)
export const unbind = (binding: { channel: string; conversation?: string }) =>
  request<void>("DELETE", `/api/bindings?${query(binding)}`)
export const channels = () => request<ReadonlyArray<Channel>>("GET", "/api/channels")
export const authorizeZalo = () => request<{ authorizationUrl: string }>("POST", "/api/channels/zalo/authorize")
export const connectPage = (id: string, token: string) =>
  request<{ id: string; credentials: "active" }>("PUT", `/api/channels/${encodeURIComponent(id)}/token`, { token })
export const deadLetters = (channel: string) =>
  request<ReadonlyArray<DeadLetter>>("GET", `/api/channels/${encodeURIComponent(channel)}/dead-letters`)
export const replayDeadLetter = (id: string) =>
  request<void>("POST", `/api/dead-letters/${encodeURIComponent(id)}/replay`)
export const deleteDeadLetter = (id: string) => request<void>("DELETE", `/api/dead-letters/${encodeURIComponent(id)}`)
/** The list's filters as the API names them (status, overdue, unit, channel, category, one kind of period). */
export const tipFilters = [
  "status",
  "overdue",
  "unit",
  "channel",
  "category",
  "from",
  "to",
  "month",
  "year",
  "policeMonth",
  "policeYear"
] as const
export type TipFilters = Partial<Record<(typeof tipFilters)[number], string>>
export const tips = (params: TipFilters & { limit: number; cursor?: string }) =>
  request<TipList>("GET", `/api/tips?${query(params)}`)
export const tip = (id: string) => request<TipView>("GET", `/api/tips/${encodeURIComponent(id)}`)
export const history = (id: string) =>
  request<ReadonlyArray<TipEvent>>("GET", `/api/tips/${encodeURIComponent(id)}/history`)
export const deadlines = (id: string) =>
  request<ReadonlyArray<Deadline>>("GET", `/api/tips/${encodeURIComponent(id)}/deadlines`)
export const evidence = (id: string) =>
  request<ReadonlyArray<Evidence>>("GET", `/api/tips/${encodeURIComponent(id)}/evidence`)
/** The address of a stored evidence file's bytes (the API answers them with their media type). */
export const evidenceUrl = (id: string, hash: string) =>
  `/api/tips/${encodeURIComponent(id)}/evidence/${encodeURIComponent(hash)}`
export const reveal = (id: string, expectedVersion: number, reason: string) =>
  request<{ identity: Identity; tip: TipView }>("POST", `/api/tips/${encodeURIComponent(id)}/reveal`, {
    expectedVersion,
    reason
  })
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

/** A tip created or changed, as `GET /api/events` tells it (never a reporter). */
export interface TipChange {
  readonly change: "created" | "changed"
  readonly id: string
  readonly code: string
  readonly unit: string
  readonly status: string
  readonly version: number
}

/**
 * Listens to the server's events (`GET /api/events`, the session cookie) until the returned function is called. The
 * browser's EventSource connects again by itself after a dropped connection.
 */
export const listen = (onTip: (change: TipChange) => void): (() => void) => {
  const source = new EventSource("/api/events")
  source.addEventListener("tip", (event) => onTip(JSON.parse((event as MessageEvent<string>).data) as TipChange))
  return () => source.close()
}
