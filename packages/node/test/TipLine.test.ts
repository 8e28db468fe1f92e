import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { VaultKey } from "@tinbao/core"
import {
  AccessDenied,
  type Config,
  ConfigurationError,
  createTipLine,
  RuleViolation,
  StorageError,
  TinbaoError,
  TipLineClosed,
  TipNotFound,
  ValidationError,
  VersionConflict
} from "@tinbao/node"
import { WebFormChannel } from "@tinbao/web"
import { Redacted } from "effect"
import { afterAll, vi } from "vitest"

const established = { effectiveDate: "2020-01-01", legalBasis: "Luật Công an nhân dân số 37/2018/QH14" }
const units = [
  {
    _tag: "Established",
    ...established,
    id: "ca-tinh-ninh-binh",
    kind: "province",
    name: { vi: "Công an tỉnh Ninh Bình", en: "Ninh Bình provincial police" }
  },
  {
    _tag: "Established",
    ...established,
    id: "ca-xa-ninh-tien",
    kind: "commune",
    name: { vi: "Công an xã Ninh Tiến", en: "Ninh Tiến commune police" },
    parent: "ca-tinh-ninh-binh"
  }
] as const

const officer = { id: "can-bo-01", unit: "ca-xa-ninh-tien", roles: ["officer", "leader"] } as const
const custodian = { id: "quan-ly-01", unit: "ca-tinh-ninh-binh", roles: ["identity_custodian"] } as const
const viewer = { id: "xem-01", unit: "ca-xa-ninh-tien", roles: ["viewer"] } as const
const secret = "bi-mat-cua-trang-web-ninh-tien"
const reporter = { id: "wf-user-5f3a9c1e77", name: "Trần Thị Mai" }

// The police website: takes the replies tinbao posts to it, and answers each with a message id.
const site = () => {
  const posted: Array<{ readonly conversation: string; readonly text: string }> = []
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    posted.push(JSON.parse(String(init?.body)))
    return new Response(JSON.stringify({ id: `site-${posted.length}` }), { status: 200 })
  }
  return { posted, fetch: fetch as typeof globalThis.fetch }
}

const keys = () => ({
  keys: { k1: Redacted.value(VaultKey.generate("base64")) },
  currentKeyId: "k1",
  fingerprintKey: Redacted.value(VaultKey.generate("base64"))
})

const folder = mkdtempSync(join(tmpdir(), "tinbao-node-"))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const storages: ReadonlyArray<readonly [string, () => Pick<Config, "storage" | "vault" | "units">]> = [
  ["memory", () => ({ storage: { kind: "memory" }, units })],
  [
    "sqlite",
    () => ({
      storage: { kind: "sqlite", filename: join(folder, `tips-${Math.random().toString(36).slice(2)}.sqlite`) },
      vault: keys(),
      units: JSON.stringify(units)
    })
  ]
]

// A tip by phone, entered by an officer.
const byPhone = {
  unit: "ca-xa-ninh-tien",
  channel: "phone",
  identity: { channel: "phone", platformUserId: "0912345678" },
  reporterKind: "individual",
  legalType: "to_giac",
  category: "stolen_property",
  summary: "Mất trộm xe máy trước cửa nhà văn hoá thôn."
} as const

const webDelivery = (text: string, id: string) => {
  const raw = WebFormChannel.delivery(Redacted.make(secret), {
    events: [{ type: "message", id, sender: reporter, text, time: Date.now() }]
  })
  return new Request("http://127.0.0.1/webhooks/web/ca-xa-ninh-tien", {
    method: raw.method,
    headers: raw.headers,
    body: raw.body
  })
}

describe.each(storages)("a tip line in %s", (_, storage) => {
  it("takes tips by hand and from the web form, through their lifecycle, and refuses with error classes", async () => {
    const website = site()
    const tipLine = await createTipLine({
      ...storage(),
      logLevel: "error",
      channels: {
        web: [{ unit: "ca-xa-ninh-tien", secret, replyUrl: "http://127.0.0.1:9/replies", fetch: website.fetch }]
      }
    })
    try {
      // A tip by phone, entered by the officer.
      const tip = await tipLine.receive(officer, {
        unit: "ca-xa-ninh-tien",
        channel: "phone",
        identity: { channel: "phone", platformUserId: "0912345678", displayName: "Nguyễn Văn A" },
        reporterKind: "individual",
        legalType: "to_giac",
        category: "stolen_property",
        summary: "Mất trộm xe máy trước cửa nhà văn hoá thôn."
      })
      expect(tip.status).toBe("received")
      expect(tip.receivedAt).toBeInstanceOf(Date)
      expect(JSON.stringify(tip)).not.toContain("0912345678")

      const acknowledged = await tipLine.execute(officer, {
        tip: tip.id,
        expectedVersion: tip.version,
        command: { _tag: "Acknowledge" }
      })
      expect(acknowledged.status).toBe("acknowledged")
      expect((await tipLine.get(officer, tip.id)).version).toBe(acknowledged.version)
      expect((await tipLine.history(officer, tip.id)).map((e) => e._tag)).toEqual(["TipReceived", "Acknowledged"])

      const deadlines = await tipLine.deadlines(officer, tip.id)
      expect(deadlines.find((d) => d.kind === "acknowledgement")?.status).toBe("met")
      expect(deadlines.every((d) => d.dueAt instanceof Date)).toBe(true)

      // The same command on the version that is gone; a command the lifecycle refuses; a tip out of sight.
      const stale = await tipLine
        .execute(officer, { tip: tip.id, expectedVersion: tip.version, command: { _tag: "Acknowledge" } })
        .catch((e: unknown) => e)
      expect(stale).toBeInstanceOf(VersionConflict)
      expect(stale).toBeInstanceOf(TinbaoError)
      expect(stale).toMatchObject({ tip: tip.id, expected: tip.version, actual: acknowledged.version })
      const refused = await tipLine
        .execute(officer, {
          tip: tip.id,
          expectedVersion: acknowledged.version,
          command: { _tag: "Restore", reason: "Có tài liệu mới" }
        })
        .catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(RuleViolation)
      expect((refused as RuleViolation).rule).toBeTypeOf("string")
      const missing = await tipLine.get(officer, "tip-that-is-not-there").catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(TipNotFound)
      const denied = await tipLine
        .execute(viewer, { tip: tip.id, expectedVersion: acknowledged.version, command: { _tag: "Accept" } })
        .catch((e: unknown) => e)
      expect(denied).toBeInstanceOf(AccessDenied)
      expect((denied as AccessDenied).reason).toBe("role")
      const invalid = await tipLine
        .receive(officer, {
          unit: "ca-xa-ninh-tien",
          channel: "phone",
          identity: { channel: "phone", platformUserId: " 0912345678 " },
          reporterKind: "individual",
          legalType: "to_giac",
          category: "stolen_property",
          summary: "x"
        })
        .catch((e: unknown) => e)
      expect(invalid).toBeInstanceOf(ValidationError)
      expect((invalid as ValidationError).issues.length).toBeGreaterThan(0)
      expect(JSON.stringify(invalid)).not.toContain("0912345678")
      expect(String((invalid as Error).message)).not.toContain("0912345678")

      // A signed delivery from the web form: answered at once, taken in by the worker, acknowledged on the site.
      const answer = await tipLine.handler(webDelivery("Có người lạ đột nhập nhà số 12", "wf-msg-0001"))
      expect(answer.status).toBe(200)
      const fromWeb = await vi.waitFor(
        async () => {
          const page = await tipLine.list(officer, { channel: "web" })
          expect(page.tips).toHaveLength(1)
          return page.tips[0]!
        },
        { timeout: 10_000, interval: 50 }
      )
      await vi.waitFor(() => expect(website.posted.some((p) => p.text.includes(fromWeb.code))).toBe(true), {
        timeout: 10_000,
        interval: 50
      })
      const web = await vi.waitFor(
        async () => {
          const now = await tipLine.get(officer, fromWeb.id)
          expect(now.status).toBe("acknowledged")
          return now
        },
        { timeout: 10_000, interval: 50 }
      )

      // Unsigned, it is refused; off the webhooks' paths, 404.
      const unsigned = new Request("http://127.0.0.1/webhooks/web/ca-xa-ninh-tien", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ events: [] })
      })
      expect((await tipLine.handler(unsigned)).status).toBe(401)
      expect((await tipLine.handler(new Request("http://127.0.0.1/webhooks/web/another-unit"))).status).toBe(404)
      expect((await tipLine.handler(new Request("http://127.0.0.1/elsewhere"))).status).toBe(404)

      // The reply goes to the reporter on the site; the custodian sees who the reporter is, for a reason.
      const replied = await tipLine.reply(officer, web.id, web.version, "Cảm ơn, công an xã đang xác minh.")
      await vi.waitFor(
        () => expect(website.posted.some((p) => p.text === "Cảm ơn, công an xã đang xác minh.")).toBe(true),
        { timeout: 10_000, interval: 50 }
      )
      expect(website.posted.every((p) => p.conversation === reporter.id)).toBe(true)
      const identity = await tipLine.reveal(custodian, web.id, replied.version, "Phục vụ xác minh theo yêu cầu")
      expect(identity).toMatchObject({ platformUserId: reporter.id, displayName: reporter.name })
      const notCustodian = await tipLine
        .reveal(officer, web.id, replied.version + 1, "Phục vụ xác minh")
        .catch((e: unknown) => e)
      expect(notCustodian).toBeInstanceOf(AccessDenied)

      // Pages and their cursor: newest first.
      const first = await tipLine.list(officer, { limit: 1 })
      expect(first.tips.map((t) => t.id)).toEqual([web.id])
      const second = await tipLine.list(officer, { limit: 1, cursor: first.next! })
      expect(second.tips.map((t) => t.id)).toEqual([tip.id])
      const badCursor = await tipLine.list(officer, { cursor: "not-a-cursor" }).catch((e: unknown) => e)
      expect(badCursor).toBeInstanceOf(ValidationError)

      const year = new Date().getFullYear()
      const report = await tipLine.statistics(officer, {
        root: "ca-xa-ninh-tien",
        period: { _tag: "CalendarYear", year },
        groupBy: ["channel"]
      })
      expect(report.total.receivedInPeriod).toBe(2)
      expect(report.measuredAt).toBeInstanceOf(Date)
    } finally {
      await tipLine.close()
    }
    // Closed: calls reject, the webhook answers 503, and closing again is harmless.
    await expect(tipLine.get(officer, "any")).rejects.toBeInstanceOf(TipLineClosed)
    expect((await tipLine.handler(webDelivery("Muộn", "wf-msg-0002"))).status).toBe(503)
    await tipLine.close()
  })
})

describe("receive and deadlines", () => {
  it("takes a tip received earlier: its register year and deadlines follow the time it was received", async () => {
    const tipLine = await createTipLine({ storage: { kind: "memory" }, units, logLevel: "error" })
    try {
      const lastYear = new Date().getFullYear() - 1
      // 10:00 in Vietnam on 16 June of last year.
      const receivedAt = new Date(Date.UTC(lastYear, 5, 16, 3, 0))
      const tip = await tipLine.receive(officer, { ...byPhone, receivedAt })
      expect(tip.receivedAt).toEqual(receivedAt)
      expect(tip.registerYear).toBe(lastYear)

      const deadlines = await tipLine.deadlines(officer, tip.id)
      const acknowledgement = deadlines.find((d) => d.kind === "acknowledgement")!
      expect(acknowledgement.status).toBe("missed")
      expect(acknowledgement.kindLabel.vi).toBe("Thông báo tiếp nhận cho người báo tin")
      // Three working days from a Monday or later in that week: within the next ten days.
      expect(acknowledgement.lastDay > `${lastYear}-06-16`).toBe(true)
      expect(acknowledgement.lastDay < `${lastYear}-06-27`).toBe(true)
      const [year, month, day] = acknowledgement.lastDay.split("-")
      expect(acknowledgement.dueLabel.vi).toMatch(new RegExp(`^\\d+ giờ.* ngày ${day}/${month}/${year}$`))
      expect(acknowledgement.dueLabel.en).toMatch(new RegExp(`on ${acknowledgement.lastDay}$`))
      expect(deadlines.every((d) => d.dueAt instanceof Date && d.dueAt < new Date())).toBe(true)
    } finally {
      await tipLine.close()
    }
  })

  it("refuses a receipt time ahead of the clock or not a time, and a category not in the list", async () => {
    const tipLine = await createTipLine({ storage: { kind: "memory" }, units, logLevel: "error" })
    try {
      const future = await tipLine
        .receive(officer, { ...byPhone, receivedAt: new Date(Date.now() + 24 * 60 * 60 * 1000) })
        .catch((e: unknown) => e)
      expect(future).toBeInstanceOf(RuleViolation)
      expect(future).toMatchObject({ rule: "received_in_future", command: "Receive" })
      const notATime = await tipLine
        .receive(officer, { ...byPhone, receivedAt: new Date("not a date") })
        .catch((e: unknown) => e)
      expect(notATime).toBeInstanceOf(ValidationError)
      expect((notATime as ValidationError).issues.map((i) => i.path)).toContainEqual(["receivedAt"])
      const unknown = await tipLine.receive(officer, { ...byPhone, category: "lost_umbrella" }).catch((e: unknown) => e)
      expect(unknown).toBeInstanceOf(RuleViolation)
      expect(unknown).toMatchObject({ rule: "unknown_category", command: "Receive" })
      expect((await tipLine.list(officer)).tips).toEqual([])
    } finally {
      await tipLine.close()
    }
  })
})

describe("createTipLine", () => {
  it("keeps a tip in SQLite across a restart, and refuses other units on the same database", async () => {
    const filename = join(folder, "restart.sqlite")
    const vault = keys()
    const first = await createTipLine({ storage: { kind: "sqlite", filename }, vault, units })
    const tip = await first.receive(officer, byPhone)
    await first.close()
    const again = await createTipLine({ storage: { kind: "sqlite", filename }, vault, units })
    expect((await again.get(officer, tip.id)).code).toBe(tip.code)
    await again.close()
    // An instance started with an older file (the database is ahead of it) starts; one with other units does not.
    const older = await createTipLine({ storage: { kind: "sqlite", filename }, vault, units: [units[0]] })
    expect((await older.get(officer, tip.id)).code).toBe(tip.code)
    await older.close()
    const renamed = { ...units[1], name: { vi: "Công an xã Ninh Tiến mới", en: "New Ninh Tiến commune police" } }
    const others = await createTipLine({
      storage: { kind: "sqlite", filename },
      vault,
      units: [units[0], renamed]
    }).catch((e: unknown) => e)
    expect(others).toBeInstanceOf(ConfigurationError)
    expect(others).toMatchObject({ tag: "UnitLogError" })
    expect((others as Error).message).toContain("unit change 2 is not in the configured units")
  })

  it("records units appended to the list at a restart, once", async () => {
    const filename = join(folder, "appended.sqlite")
    const vault = keys()
    const first = await createTipLine({ storage: { kind: "sqlite", filename }, vault, units: [units[0]] })
    await first.close()
    for (let start = 0; start < 2; start++) {
      const tipLine = await createTipLine({
        storage: { kind: "sqlite", filename },
        vault,
        units: JSON.stringify(units)
      })
      const tip = await tipLine.receive(officer, byPhone)
      expect(tip.unit).toBe("ca-xa-ninh-tien")
      await tipLine.close()
    }
  })

  it("refuses what cannot start: no vault keys for a database, a folder that does not exist", async () => {
    await expect(
      createTipLine({ storage: { kind: "sqlite", filename: join(folder, "x.sqlite") }, units })
    ).rejects.toThrow(/vault's keys/)
    await expect(
      createTipLine({
        storage: { kind: "sqlite", filename: join(folder, "no", "such", "x.sqlite") },
        vault: keys(),
        units
      })
    ).rejects.toBeInstanceOf(StorageError)
  })
})
