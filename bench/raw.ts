// The raw-driver baselines of the intake bench: better-sqlite3 and pg writing, per tip, the rows our intake
// writes (bench/sqlIntake.ts checks, table by table, that they leave the same row counts):
//
//   conversation_activity  the reporter wrote (upsert on channel, kind, conversation)
//   vault                  the sealed identity (AES-256-GCM with its own data key, as SqlIdentityVault stores it)
//   vault_keys             the identity's data key, wrapped with the vault key
//   register_counters      the unit's counter for the year, moved on (upsert … RETURNING last)
//   register_entries       the numbered entry (sổ tiếp nhận)
//   tip_events             the TipReceived event as JSON, version 1
//   tips                   the listing row
//   intake_ledger          three rows: the message key, the conversation's thread, the tip's record
//   outbox                 the acknowledgement with the tip's code
//   stat_tips              the statistics projection's row for the tip's state (due instants of its deadlines)
//
// Everything that does not depend on the register number (ids, the sealed identity, the fingerprint, the
// projection's row, made here from what `StatisticsPlan.tipFacts` says of the tip) is made before the clock starts; the event and the acknowledgement, which carry the number, are put together as they
// are written. No reads, no validation, no retries: the baselines are the driver's pace for these writes.
import { createCipheriv, createHmac, randomBytes } from "node:crypto"
import { Calendar, Category, Deadline, Register, StatisticsPlan, Tip, TipEvent, type Unit } from "@tinbao/core"
import { DateTime } from "effect"
import type { PgPool, SqliteDatabase } from "./drivers.js"

export interface RawTip {
  readonly tip: string
  readonly unit: string
  readonly tag: Register.UnitTag
  readonly unitName: string
  readonly channel: string
  readonly messageId: string
  readonly fingerprint: string
  readonly alias: string
  readonly sealed: { readonly iv: string; readonly ciphertext: string; readonly tag: string; readonly wrapped: string }
  readonly text: string
  readonly at: number
  /** The `stat_tips` row, column by column. */
  readonly statistics: Readonly<Record<string, string | number | null>>
}

export const year = 2023

const base32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const aliasOf = () => `AL-${Array.from(randomBytes(16), (b) => base32[b % 32]).join("")}`

// The projection's row of a tip just received (docs/statistics.md), written out by the baseline itself: the facts
// `StatisticsPlan.tipFacts` gives its one version with the default basis (the Vietnam calendar and the law's deadlines),
// whose deadlines are all ahead, none met. Nothing in it depends on the register number, so a placeholder does.
const statisticsRow = (t: Omit<RawTip, "statistics">): RawTip["statistics"] => {
  const received = new TipEvent.TipReceived({
    tip: Tip.TipId.make(t.tip),
    at: DateTime.unsafeMake(t.at),
    by: "system:intake" as never,
    unit: t.unit as Unit.UnitId,
    code: "placeholder",
    registerNumber: 1,
    registerYear: year,
    channel: "web",
    channelId: t.channel,
    reporterKind: "individual",
    alias: t.alias as never,
    legalType: "tin_bao",
    category: Category.CategoryId.make("crime"),
    summary: t.text,
    routedBy: `binding ${t.channel}`
  })
  const facts = StatisticsPlan.tipFacts([received], {
    calendar: Calendar.vietnam,
    policy: Deadline.defaultPolicy,
    from: 1
  })
  const v = facts.versions[0]
  if (facts.versions.length !== 1 || v === undefined || v.deadlines === "calendar" || facts.handovers.length > 0) {
    throw new Error("a new tip is no longer one version with its deadlines and no handover: mirror it here")
  }
  const deadlines = v.deadlines
  const due = (slot: StatisticsPlan.DeadlineSlot) => deadlines[slot]?.dueAt ?? null
  const late = (slot: StatisticsPlan.DeadlineSlot) => (deadlines[slot] === undefined ? null : 0)
  return {
    tip: facts.tip,
    version: v.version,
    since: v.since,
    received_at: facts.receivedAt,
    receiving_unit: facts.receivingUnit,
    channel: facts.channel,
    channel_id: facts.channelId ?? null,
    unit: v.unit,
    status: v.status,
    open: 1,
    category: v.category,
    legal_type: v.legalType,
    outcome: v.outcome,
    acknowledged_at: null,
    accepted_at: null,
    decided_at: null,
    last_decision: null,
    irregular: 0,
    held_since: v.heldSince,
    last_due: v.lastDue,
    calendar_gap: 0,
    ack_due: due("acknowledgement"),
    ack_met: null,
    ack_late: late("acknowledgement"),
    verification_due: due("verification"),
    verification_met: null,
    verification_late: late("verification"),
    notice_due: due("suspension_notice"),
    notice_met: null,
    notice_late: late("suspension_notice"),
    restoration_due: due("restoration"),
    restoration_met: null,
    restoration_late: late("restoration"),
    resolution_due: due("resolution"),
    resolution_met: null,
    resolution_late: late("resolution"),
    transfer_due: due("transfer"),
    transfer_due_remote: due("transfer_remote"),
    transfer_met: null,
    transfer_late: late("transfer"),
    transfer_late_remote: late("transfer_remote")
  }
}

/** The tips of messages `from` … `from + n − 1`, as bench/sqlIntake.ts sends them: unit and channel round robin. */
export const rawTips = (
  from: number,
  n: number,
  units: ReadonlyArray<{ readonly id: Unit.UnitId; readonly name: string; readonly channel: string }>,
  at: number
): ReadonlyArray<RawTip> => {
  const key = randomBytes(32)
  const fingerprintKey = randomBytes(32)
  return Array.from({ length: n }, (_, k) => {
    const i = from + k
    const unit = units[i % units.length]!
    const user = `u-${i}`
    const fingerprint = createHmac("sha256", fingerprintKey).update(`${unit.channel}\u0000${user}`).digest("hex")
    const alias = aliasOf()
    const dataKey = randomBytes(32)
    const iv = randomBytes(12)
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv)
    cipher.setAAD(Buffer.from(alias, "utf8"))
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify({ channel: unit.channel, platformUserId: user }), "utf8"),
      cipher.final()
    ])
    const wrapIv = randomBytes(12)
    const wrap = createCipheriv("aes-256-gcm", key, wrapIv)
    wrap.setAAD(Buffer.from(`tinbao/vault-data-key/v1\u0000${alias}`, "utf8"))
    const wrapped = Buffer.concat([wrapIv, wrap.update(dataKey), wrap.final(), wrap.getAuthTag()])
    const tip = {
      // Made as intake makes them, so that the rows go where ours go in every index keyed by the tip.
      tip: Tip.makeId(),
      unit: unit.id,
      tag: Register.unitTagOf(unit.id),
      unitName: unit.name,
      channel: unit.channel,
      messageId: `m-${i}`,
      fingerprint,
      alias,
      sealed: {
        iv: iv.toString("base64"),
        ciphertext: ciphertext.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        wrapped: wrapped.toString("base64")
      },
      text: `Tin báo số ${i}: mất trộm xe máy`,
      at
    }
    return { ...tip, statistics: statisticsRow(tip) }
  })
}

/** The rows of one tip once its register number is known, in the order intake writes them. */
const rowsOf = (t: RawTip, number: number) => {
  const code = Register.codeOf({ unitTag: t.tag, year, number })
  const iso = new Date(t.at).toISOString()
  const event = JSON.stringify({
    tip: t.tip,
    at: iso,
    by: "system:intake",
    unit: t.unit,
    code,
    registerNumber: number,
    registerYear: year,
    channel: "web",
    channelId: t.channel,
    reporterKind: "individual",
    alias: t.alias,
    legalType: "tin_bao",
    category: "crime",
    summary: t.text,
    routedBy: `binding ${t.channel}`,
    _tag: "TipReceived"
  })
  const conversation = { kind: "direct", id: t.fingerprint }
  const thread = `thread:${t.channel}:${t.fingerprint}:${t.fingerprint}`
  const short = JSON.stringify({ tip: t.tip, at: t.at })
  const record = JSON.stringify({
    tip: t.tip,
    at: t.at,
    fingerprint: t.fingerprint,
    conversation,
    replyTo: t.messageId
  })
  const ack =
    `${t.unitName} đã tiếp nhận tin báo của bạn, mã số ${code}. ` +
    `Khi cần bổ sung thông tin hoặc hỏi kết quả, vui lòng nhắn kèm mã này. ` +
    `Thông tin về người báo tin được giữ bí mật.`
  return {
    code,
    event,
    ledger: [
      [`tip:${t.tip}`, record],
      [`msg:${t.channel}:${t.messageId}`, short],
      [thread, short]
    ] as const,
    ack
  }
}

const sql = {
  activity: `INSERT INTO conversation_activity (channel, conversation_kind, conversation_id, last_inbound, replies)
    VALUES ($1, 'direct', $2, $3, 0) ON CONFLICT (channel, conversation_kind, conversation_id)
    DO UPDATE SET last_inbound = excluded.last_inbound, replies = 0
    WHERE conversation_activity.last_inbound < excluded.last_inbound`,
  vault: "INSERT INTO vault (alias, key_id, iv, ciphertext, tag, forgotten) VALUES ($1, NULL, $2, $3, $4, 0)",
  vaultKey: "INSERT INTO vault_keys (alias, key_id, data_key) VALUES ($1, 'bench', $2)",
  counter: `INSERT INTO register_counters (unit, year, last) VALUES ($1, $2, $3)
    ON CONFLICT (unit, year) DO UPDATE SET last = register_counters.last + excluded.last RETURNING last`,
  entry: `INSERT INTO register_entries (unit, year, number, tip, code, received_at)
    VALUES ($1, $2, $3, $4, $5, $6)`,
  event: "INSERT INTO tip_events (tip, version, event) VALUES ($1, 1, $2)",
  tips: `INSERT INTO tips (tip, unit, received_at, open, register_year, register_number, status, channel, channel_id,
    category) VALUES ($1, $2, $3, 1, ${year}, $4, 'received', 'web', $5, 'crime')`,
  ledger: "INSERT INTO intake_ledger (key, entry) VALUES ($1, $2)",
  outbox: `INSERT INTO outbox (key, channel, conversation_kind, conversation_id, recipient, text, reply_to,
    human_agent, tip, created_at, attempts, next_attempt_at, lease_until, status)
    VALUES ($1, $2, 'direct', $3, $3, $4, $5, 0, $6, $7, 0, $7, NULL, 'pending')`
}

// The projection's columns come from its row, so that the statement follows the table as it grows.
const statisticsInsert = (t: RawTip) => {
  const columns = Object.keys(t.statistics)
  return `INSERT INTO stat_tips (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`
}

// The statements above are written once, with PostgreSQL's $N; better-sqlite3 takes them with a plain `?` per
// occurrence, so a parameter used twice is passed twice.
const forSqlite = (db: SqliteDatabase, statement: string) => {
  const order = [...statement.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1)
  const prepared = db.prepare(statement.replace(/\$\d+/g, "?"))
  const args = (params: ReadonlyArray<unknown>) => order.map((i) => params[i])
  return {
    run: (...params: ReadonlyArray<unknown>) => prepared.run(...args(params)),
    get: (...params: ReadonlyArray<unknown>) => prepared.get(...args(params))
  }
}

/** The number of each tip of a batch: one counter upsert per unit moves it on by that unit's tips. */
const numbered = (tips: ReadonlyArray<RawTip>, advance: (unit: string, by: number) => number): Array<number> => {
  const perUnit = new Map<string, number>()
  for (const t of tips) perUnit.set(t.unit, (perUnit.get(t.unit) ?? 0) + 1)
  const next = new Map<string, number>()
  for (const [unit, by] of perUnit) next.set(unit, advance(unit, by) - by + 1)
  return tips.map((t) => {
    const number = next.get(t.unit)!
    next.set(t.unit, number + 1)
    return number
  })
}

/** better-sqlite3 on a migrated file. `perTransaction` 1 is the naive way; more is the batched limit. */
export const sqliteWriter = (db: SqliteDatabase) => {
  const s = Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, forSqlite(db, text)])) as {
    readonly [K in keyof typeof sql]: ReturnType<typeof forSqlite>
  }
  let statistics: ReturnType<typeof forSqlite> | undefined
  const writeBatch = db.transaction((tips: ReadonlyArray<RawTip>) => {
    const numbers = numbered(tips, (unit, by) => (s.counter.get(unit, year, by) as { last: number }).last)
    tips.forEach((t, k) => {
      const r = rowsOf(t, numbers[k]!)
      s.activity.run(t.channel, t.fingerprint, t.at)
      s.vaultKey.run(t.alias, t.sealed.wrapped)
      s.vault.run(t.alias, t.sealed.iv, t.sealed.ciphertext, t.sealed.tag)
      s.entry.run(t.unit, year, numbers[k]!, t.tip, r.code, t.at)
      s.event.run(t.tip, r.event)
      s.tips.run(t.tip, t.unit, t.at, numbers[k]!, t.channel)
      for (const [key, entry] of r.ledger) s.ledger.run(key, entry)
      s.outbox.run(`ack:${t.tip}`, t.channel, t.alias, r.ack, t.messageId, t.tip, t.at)
      statistics ??= forSqlite(db, statisticsInsert(t))
      statistics.run(...Object.values(t.statistics))
    })
  })
  return (tips: ReadonlyArray<RawTip>, perTransaction: number) => {
    for (let i = 0; i < tips.length; i += perTransaction) writeBatch(tips.slice(i, i + perTransaction))
  }
}

/**
 * pg, the naive way: every tip its own transaction on a pooled connection, `concurrency` tips at a time, one
 * statement after another as the code reads.
 */
export const pgOnePerTip = async (pool: PgPool, tips: ReadonlyArray<RawTip>, concurrency: number): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < tips.length) {
      const t = tips[next++]!
      const client = await pool.connect()
      try {
        await client.query("BEGIN")
        await client.query(sql.activity, [t.channel, t.fingerprint, t.at])
        await client.query(sql.vaultKey, [t.alias, t.sealed.wrapped])
        await client.query(sql.vault, [t.alias, t.sealed.iv, t.sealed.ciphertext, t.sealed.tag])
        const counter = await client.query(sql.counter, [t.unit, year, 1])
        const number = Number(counter.rows[0]!.last)
        const r = rowsOf(t, number)
        await client.query(sql.entry, [t.unit, year, number, t.tip, r.code, t.at])
        await client.query(sql.event, [t.tip, r.event])
        await client.query(sql.tips, [t.tip, t.unit, t.at, number, t.channel])
        for (const [key, entry] of r.ledger) await client.query(sql.ledger, [key, entry])
        await client.query(sql.outbox, [`ack:${t.tip}`, t.channel, t.alias, r.ack, t.messageId, t.tip, t.at])
        await client.query(statisticsInsert(t), Object.values(t.statistics))
        await client.query("COMMIT")
      } catch (error) {
        await client.query("ROLLBACK")
        throw error
      } finally {
        client.release()
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/**
 * pg, the limit: `perTransaction` tips per transaction on one connection, each table written by one
 * multi-row `INSERT … SELECT FROM unnest(…)`, so a batch costs a dozen round trips whatever its size.
 */
export const pgBatched = async (pool: PgPool, tips: ReadonlyArray<RawTip>, perTransaction: number): Promise<void> => {
  const client = await pool.connect()
  try {
    for (let i = 0; i < tips.length; i += perTransaction) {
      const batch = tips.slice(i, i + perTransaction)
      await client.query("BEGIN")
      const perUnit = new Map<string, number>()
      for (const t of batch) perUnit.set(t.unit, (perUnit.get(t.unit) ?? 0) + 1)
      const last = new Map<string, number>()
      for (const [unit, by] of perUnit) {
        last.set(unit, Number((await client.query(sql.counter, [unit, year, by])).rows[0]!.last))
      }
      const numbers = numbered(batch, (unit) => last.get(unit)!)
      const rows = batch.map((t, k) => rowsOf(t, numbers[k]!))
      const col = <A>(f: (t: RawTip, k: number) => A) => batch.map(f)
      await client.query(
        `INSERT INTO conversation_activity (channel, conversation_kind, conversation_id, last_inbound, replies)
          SELECT c, 'direct', f, a, 0 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(c, f, a)
          ON CONFLICT (channel, conversation_kind, conversation_id)
          DO UPDATE SET last_inbound = excluded.last_inbound, replies = 0
          WHERE conversation_activity.last_inbound < excluded.last_inbound`,
        [col((t) => t.channel), col((t) => t.fingerprint), col((t) => t.at)]
      )
      await client.query(
        `INSERT INTO vault_keys (alias, key_id, data_key)
          SELECT a, 'bench', w FROM unnest($1::text[], $2::text[]) AS x(a, w)`,
        [col((t) => t.alias), col((t) => t.sealed.wrapped)]
      )
      await client.query(
        `INSERT INTO vault (alias, key_id, iv, ciphertext, tag, forgotten)
          SELECT a, NULL, i, c, t, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(a, i, c, t)`,
        [col((t) => t.alias), col((t) => t.sealed.iv), col((t) => t.sealed.ciphertext), col((t) => t.sealed.tag)]
      )
      await client.query(
        `INSERT INTO register_entries (unit, year, number, tip, code, received_at)
          SELECT u, ${year}, n, t, c, a FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[])
          AS x(u, n, t, c, a)`,
        [col((t) => t.unit), numbers, col((t) => t.tip), col((_, k) => rows[k]!.code), col((t) => t.at)]
      )
      await client.query(
        "INSERT INTO tip_events (tip, version, event) SELECT t, 1, e FROM unnest($1::text[], $2::text[]) AS x(t, e)",
        [col((t) => t.tip), col((_, k) => rows[k]!.event)]
      )
      await client.query(
        `INSERT INTO tips (tip, unit, received_at, open, register_year, register_number, status, channel, channel_id,
          category)
          SELECT t, u, a, 1, ${year}, n, 'received', 'web', c, 'crime'
          FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[]) AS x(t, u, a, n, c)`,
        [col((t) => t.tip), col((t) => t.unit), col((t) => t.at), numbers, col((t) => t.channel)]
      )
      const ledger = rows.flatMap((r) => r.ledger)
      await client.query(
        "INSERT INTO intake_ledger (key, entry) SELECT k, e FROM unnest($1::text[], $2::text[]) AS x(k, e)",
        [ledger.map(([key]) => key), ledger.map(([, entry]) => entry)]
      )
      await client.query(
        `INSERT INTO outbox (key, channel, conversation_kind, conversation_id, recipient, text, reply_to,
          human_agent, tip, created_at, attempts, next_attempt_at, lease_until, status)
          SELECT k, c, 'direct', a, a, x, r, 0, t, at, 0, at, NULL, 'pending'
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
          AS y(k, c, a, x, r, t, at)`,
        [
          col((t) => `ack:${t.tip}`),
          col((t) => t.channel),
          col((t) => t.alias),
          col((_, k) => rows[k]!.ack),
          col((t) => t.messageId),
          col((t) => t.tip),
          col((t) => t.at)
        ]
      )
      await client.query("INSERT INTO stat_tips SELECT * FROM json_populate_recordset(NULL::stat_tips, $1::json)", [
        JSON.stringify(col((t) => t.statistics))
      ])
      await client.query("COMMIT")
    }
  } catch (error) {
    await client.query("ROLLBACK")
    throw error
  } finally {
    client.release()
  }
}
