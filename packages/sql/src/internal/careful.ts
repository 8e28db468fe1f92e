/**
 * The signal that a batch group commit runs without savepoints cannot go on as it is and must run again carefully
 * (`SqlTransaction`): a write in a nested savepoint to a key the batch holds a row for (`later.ts`), or writes sent
 * together that failed without saying whose they were (`ahead.ts`). It travels as a typed failure, a `SqlError`
 * caused by {@link RunCarefully}, so each port's boundary turns it into its own "unavailable" error and it is never
 * a defect. The committer does not look for it in a block's exit, which the block may have caught or wrapped: where
 * it is raised, the batch is marked, and the committer reads the mark.
 *
 * @internal
 */
import { SqlError } from "@effect/sql/SqlError"
import { Data } from "effect"

/**
 * Why a statement failed when the batch must run again carefully.
 *
 * @internal
 */
export class RunCarefully extends Data.TaggedError("RunCarefully") {}

/**
 * The failure a write gets when it asks for its batch to run again carefully.
 *
 * @internal
 */
export const runCarefully = (): SqlError =>
  new SqlError({ cause: new RunCarefully(), message: "The batch runs again carefully, each block on its own." })
