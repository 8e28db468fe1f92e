/**
 * The typed signal that a batch run without savepoints must run again carefully: a `SqlError` caused by
 * {@link RunCarefully}, so that each port reports it as "unavailable" and it is never a defect. Where it is raised
 * the batch is marked, and the committer reads the mark, since a block may catch or wrap its own errors.
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
