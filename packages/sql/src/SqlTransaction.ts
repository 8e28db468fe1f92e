/**
 * The core's `Transaction` port over `@effect/sql`, with group commit: `atomically` blocks called at the same
 * time are run one after another inside one database transaction and committed together. A block that fails
 * is undone alone: the batch is rolled back and its other blocks run again, each in a savepoint of its own.
 * Every caller resumes only after the COMMIT returned, so what a caller was told is stored is stored. One
 * commit (one sync to disk) then carries many tips, which is what makes `synchronous = FULL` on SQLite
 * affordable.
 *
 * @since 0.1.0
 * @module
 */
import { SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import { Transaction } from "@tinbao/core"
import {
  Cause,
  Clock,
  Context,
  Deferred,
  Duration,
  Effect,
  Exit,
  FiberRef,
  type HashMap,
  Layer,
  Option,
  Queue,
  Random,
  type Scope
} from "effect"
import { currentServices, type DefaultServices } from "effect/DefaultServices"
import { AheadConnection } from "./internal/ahead.js"
import { withServiceOption } from "./internal/context.js"
import { Batch, gather } from "./internal/later.js"
import { isContention } from "./internal/sqlErrors.js"
import { makeBatchTransaction } from "./internal/transaction.js"

/**
 * How blocks are grouped. `maxBatch`: the most blocks in one database transaction (default 128).
 * `committers`: transactions in flight at once (default 1 on SQLite, which has one writer anyway, and 4 on
 * PostgreSQL). While blocks with the same `key` (the unit, for intake) are in flight, more of them go to the same
 * committer, so that two batches never take the same unit's register counter, which would make them wait for each
 * other or deadlock; otherwise a block goes to the committer with the fewest blocks in flight. `retries`: how often
 * a block, or a batch whose COMMIT failed, runs again when the database gave up on it because of another
 * transaction (a deadlock, a serialisation failure, a busy file; default 5).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly maxBatch?: number
  readonly committers?: number
  readonly retries?: number
}

interface Job {
  /** The block, and what its caller's fiber had: its context, default services (clock, random), log annotations. */
  readonly block: Effect.Effect<unknown, unknown, never>
  readonly context: Context.Context<never>
  readonly services: Context.Context<DefaultServices>
  readonly annotations: HashMap.HashMap<string, unknown>
  readonly done: Deferred.Deferred<unknown, unknown>
  abandoned: boolean
  /** How often it ran and lost to another transaction. */
  tries: number
  /** The queue of the committer that writes it (see `assign`). */
  readonly queue: Queue.Queue<Job>
}

const contended = (cause: Cause.Cause<unknown>) =>
  Cause.failures(cause).pipe((failures) => [...failures].some(isContention))

const failed = (reason: Transaction.TransactionError["reason"], cause: unknown) =>
  new Transaction.TransactionError({
    reason,
    message:
      reason === "contention"
        ? "Other writers kept winning; nothing was stored. Trying again later is safe."
        : "The database could not store this; nothing was stored, or the database could not confirm the commit.",
    cause
  })

// A block failed in a batch run without savepoints, or the rows its blocks left could not be written: the
// transaction is rolled back to undo it. `failed`: the block that failed and how, when one did.
class Undo {
  constructor(readonly failed?: readonly [Job, Exit.Exit<unknown, unknown>]) {}
}

// One turn of the event loop: timers and I/O callbacks run before it resumes.
const nextTurn = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

// Storage is closing: callers whose blocks were not confirmed are told so, rather than left waiting.
const closed = (jobs: Iterable<Job>) =>
  Effect.forEach(jobs, (job) => Deferred.fail(job.done, failed("unavailable", "storage closed")), { discard: true })

/**
 * The port over the `SqlClient` in context. Its committer fibers live in the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Transaction.Transaction["Type"], never, SqlClient | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const maxBatch = Math.max(1, options.maxBatch ?? 128)
    const committers = Math.max(1, options.committers ?? sql.onDialectOrElse({ pg: () => 4, orElse: () => 1 }))
    const retries = Math.max(0, options.retries ?? 5)
    const queues = yield* Effect.forEach(Array.from({ length: committers }), () => Queue.unbounded<Job>())
    const scope = yield* Effect.scope
    const liveClock = Clock.make()
    const committerServices = yield* FiberRef.get(currentServices)
    const committerAnnotations = yield* FiberRef.get(FiberRef.currentLogAnnotations)

    // Jittered, so that two instances that deadlocked do not meet again at once; on the real clock even under a
    // test clock, which would otherwise hold every caller until the test moved it.
    const pause = (tries: number) =>
      Effect.flatMap(Random.nextIntBetween(5, 20 * (tries + 1)), (millis) =>
        Effect.withClock(Effect.sleep(Duration.millis(millis)), liveClock)
      )

    // A block that lost to another transaction (a deadlock, say) has been rolled back to its savepoint: it runs
    // again in a later batch, once this one has committed and let go of its locks, rather than failing its caller
    // or undoing its neighbours. After `retries` runs it keeps its error.
    const again = (job: Job) =>
      Effect.forkIn(
        Effect.zipRight(pause(job.tries++), Queue.offer(job.queue, job)).pipe(
          // Storage closed during the pause.
          Effect.onInterrupt(() => closed([job]))
        ),
        scope
      )

    // In a careful run each block has a savepoint of its own, released and taken anew after a block that
    // succeeded: `sql.withTransaction` never releases one, and SQLite walks every open savepoint at each page a
    // statement touches. Why a batch runs without them first: docs/storage.md, "Transactions and group commit".
    const savepoint = ["SAVEPOINT tinbao_block"]
    const next = sql.onDialectOrElse({
      pg: () => ["RELEASE SAVEPOINT tinbao_block; SAVEPOINT tinbao_block"],
      orElse: () => ["RELEASE SAVEPOINT tinbao_block", "SAVEPOINT tinbao_block"]
    })
    const rollback = ["ROLLBACK TO SAVEPOINT tinbao_block"]

    // On PostgreSQL a batch run without savepoints sends its BEGIN with its first statement, and its blocks' writes
    // that nothing waits for with their next statement (`ahead.ts`). A failed COMMIT fails the transaction with its
    // `SqlError`, rather than dying as in `sql.withTransaction` (`transaction.ts`).
    const transaction = makeBatchTransaction(sql)
    const turns = sql.onDialectOrElse({ sqlite: () => true, orElse: () => false })

    // One transaction: every block (each in its savepoint when `careful`), then COMMIT. Returns each block's exit.
    const attempt = (batch: ReadonlyArray<Job>, careful: boolean) =>
      transaction(careful)(
        Effect.gen(function* () {
          // `withTransaction` provides it: what is missing here is a bug, not a failure.
          const [connection, depth] = yield* Effect.orDie(Effect.serviceOptional(TransactionConnection))
          const run = (statements: ReadonlyArray<string>) =>
            Effect.forEach(statements, (text) => connection.execute(text, [], undefined), { discard: true })
          const exits: Array<readonly [Job, Exit.Exit<unknown, unknown>]> = []
          // Without savepoints, blocks may leave rows nothing reads back to be written with the batch.
          const gathered = careful ? undefined : gather(sql)
          // What still waits on the connection when a block ends goes before the next block starts, as part of it.
          const ahead = connection instanceof AheadConnection ? connection : undefined
          // Each block runs with its caller's services, set on this fiber as it starts rather than scoped around
          // it (a fifth of intake's fiber steps, see docs/storage.md); the context is restored after the batch.
          const base = yield* Effect.context<never>()
          const inBatch = (job: Job) => {
            // One copy of the services a block: `Context.merge` and each `Context.add` copy them all (a sixth of
            // what intake allocated for a tip went to these copies).
            const services = new Map(base.unsafeMap)
            for (const [key, service] of job.context.unsafeMap) services.set(key, service)
            services.set(TransactionConnection.key, [ahead ?? connection, depth + 1] as const)
            if (gathered !== undefined) services.set(Batch.key, gathered.at(depth + 1))
            return FiberRef.set(FiberRef.currentContext, Context.unsafeMake<never>(services)).pipe(
              Effect.zipRight(FiberRef.set(currentServices, job.services)),
              Effect.zipRight(FiberRef.set(FiberRef.currentLogAnnotations, job.annotations)),
              Effect.zipRight(ahead === undefined ? job.block : Effect.tap(job.block, () => ahead.drain))
            )
          }
          if (careful) yield* run(savepoint)
          for (const [i, job] of batch.entries()) {
            const exit = yield* Effect.exit(inBatch(job))
            if (!careful) {
              // A block that could not go on as the batch runs is not failed: all run again carefully. Read from the
              // batch, not from the exit, which the block may have caught or wrapped its errors into (`careful.ts`).
              if (gathered!.asked() || ahead?.asked === true) return yield* Effect.fail(new Undo())
              if (Exit.isFailure(exit)) return yield* Effect.fail(new Undo([job, exit]))
            }
            if (Exit.isFailure(exit)) yield* run(rollback)
            else if (careful && i < batch.length - 1) yield* run(next)
            exits.push([job, exit])
          }
          // Rows that cannot be written together (a key taken meanwhile, say) are not any one block's failure: the
          // batch runs again carefully, where each block writes its own rows and fails alone. So are writes still
          // waiting on the connection (its BEGIN, when no block sent a statement), sent here rather than with COMMIT.
          if (gathered !== undefined) {
            const last = ahead === undefined ? gathered.flush : Effect.zipRight(gathered.flush, ahead.drain)
            yield* Effect.catchAll(last, () => Effect.fail(new Undo()))
          }
          return exits
        })
      ).pipe(
        // The committer's own services and annotations again, whichever block ran last.
        Effect.locally(currentServices, committerServices),
        Effect.locally(FiberRef.currentLogAnnotations, committerAnnotations)
      )

    // A block's caller hears how it ended, or the block runs again later when it lost to another transaction.
    const settle = ([job, exit]: readonly [Job, Exit.Exit<unknown, unknown>]) =>
      Exit.isFailure(exit) && job.tries < retries && contended(exit.cause)
        ? Effect.asVoid(again(job))
        : Effect.asVoid(Deferred.done(job.done, exit))

    // When the COMMIT itself loses (a busy file, a serialisation failure), the whole batch runs again: the database
    // rolled all of it back. Any other failure of the COMMIT (a deferred constraint, a lost connection) is final.
    const commit = (jobs: ReadonlyArray<Job>) =>
      Effect.gen(function* () {
        let batch = jobs
        let careful = false
        for (let tries = 0; ; ) {
          const outcome = yield* Effect.exit(attempt(batch, careful))
          if (Exit.isSuccess(outcome)) return yield* Effect.forEach(outcome.value, settle, { discard: true })
          const undo = Option.getOrUndefined(Cause.failureOption(outcome.cause))
          if (undo instanceof Undo) {
            // Not a lost try: the others run again, carefully, without the block that failed.
            const { failed } = undo
            if (failed !== undefined) yield* settle(failed)
            batch = batch.filter((job) => job !== failed?.[0])
            careful = true
            if (batch.length === 0) return
            continue
          }
          const contention = contended(outcome.cause)
          if (contention && tries < retries) {
            yield* pause(tries++)
            continue
          }
          const error = failed(contention ? "contention" : "unavailable", Cause.squash(outcome.cause))
          yield* Effect.forEach(batch, (job) => Deferred.fail(job.done, error), { discard: true })
          return
        }
      })

    const committer = (queue: Queue.Queue<Job>) =>
      Effect.gen(function* () {
        const first = yield* Queue.take(queue)
        // Let the callers that are ready run up to their own blocks before the batch closes: without this a batch
        // holds only the blocks queued in the instant the first arrived. On SQLite a turn of the event loop too,
        // while it brings more: its statements stop the loop, so the requests that came in meanwhile (webhook
        // deliveries, each a block) wait in the loop's I/O, and would otherwise each commit alone.
        for (let waiting = -1; ; ) {
          const size = yield* Queue.size(queue)
          if (size === waiting || size >= maxBatch - 1) {
            if (!turns || size >= maxBatch - 1) break
            yield* nextTurn
            if ((yield* Queue.size(queue)) === size) break
            waiting = -1
            continue
          }
          waiting = size
          yield* Effect.yieldNow()
        }
        const rest = yield* Queue.takeUpTo(queue, maxBatch - 1)
        const batch = [first, ...rest].filter((job) => !job.abandoned)
        if (batch.length === 0) return
        // A committer never dies: a defect in a batch fails that batch's callers, and the next batch goes on.
        // Stopped mid-batch (storage is closing), it tells the batch's callers that nothing was confirmed.
        yield* commit(batch).pipe(
          Effect.catchAllCause((cause) =>
            Effect.forEach(batch, (job) => Deferred.failCause(job.done, cause), { discard: true })
          ),
          Effect.onInterrupt(() => closed(batch))
        )
      }).pipe(Effect.forever)

    for (const queue of queues) yield* Effect.forkScoped(committer(queue))

    // Callers still waiting when storage closes are told so, rather than left waiting.
    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        queues,
        (queue) => Effect.flatMap(Queue.takeAll(queue), closed).pipe(Effect.zipRight(Queue.shutdown(queue))),
        { discard: true }
      )
    )

    // A block goes to the committer that holds its key while any block with that key is in flight (one unit's
    // counter is never taken by two batches), else to the least busy one; a fixed hash starved three of four.
    const inFlight = queues.map(() => 0)
    const holders = new Map<string, { readonly committer: number; blocks: number }>()
    const assign = (key: string | undefined): number => {
      const held = key === undefined ? undefined : holders.get(key)
      let committer = held?.committer ?? 0
      if (held !== undefined) held.blocks++
      else {
        for (let i = 1; i < committers; i++) if (inFlight[i]! < inFlight[committer]!) committer = i
        if (key !== undefined) holders.set(key, { committer, blocks: 1 })
      }
      inFlight[committer]!++
      return committer
    }
    const release = (committer: number, key: string | undefined) => {
      inFlight[committer]!--
      const held = key === undefined ? undefined : holders.get(key)
      if (held !== undefined && --held.blocks === 0) holders.delete(key!)
    }

    const atomically = <A, E, R>(
      effect: Effect.Effect<A, E, R>,
      options?: Transaction.Options
    ): Effect.Effect<A, E | Transaction.TransactionError, R> =>
      Effect.gen(function* () {
        // Inside a transaction already (a nested block, or a block run by a committer): join it.
        if (Option.isSome(yield* withServiceOption(TransactionConnection, Effect.succeed))) return yield* effect
        // The block runs on a committer fiber: give it the caller's services, clock and log annotations.
        const key = options?.key
        const committer = assign(key)
        const job: Job = {
          block: effect as Effect.Effect<unknown, unknown, never>,
          context: (yield* Effect.context<R>()) as Context.Context<never>,
          services: yield* FiberRef.get(currentServices),
          annotations: yield* FiberRef.get(FiberRef.currentLogAnnotations),
          done: yield* Deferred.make<unknown, unknown>(),
          abandoned: false,
          tries: 0,
          queue: queues[committer]!
        }
        yield* Queue.offer(job.queue, job)
        return (yield* Deferred.await(job.done).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => {
              release(committer, key)
              if (Exit.isInterrupted(exit)) job.abandoned = true
            })
          )
        )) as A
      }) as Effect.Effect<A, E | Transaction.TransactionError, R>

    return Transaction.Transaction.of({ atomically })
  })

/**
 * The port as a layer over the `SqlClient` in context (`SqlStorage.layer` includes it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Transaction.Transaction, never, SqlClient> =>
  Layer.scoped(Transaction.Transaction, make(options))
