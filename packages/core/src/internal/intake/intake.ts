import { Context, type Effect } from "effect"
import type { Delivered, IntakeError, Outcome, ReplyOptions } from "../../Intake.js"
import type { Actor } from "../access/actor.js"
import type { InboundMessage } from "../channel/inboundMessage.js"
import type { Entry } from "../evidence/model.js"
import type { ChannelKind, Tip, TipId } from "../lifecycle/tip.js"
import type { Label } from "../shared/label.js"

/**
 * The intake service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Intake extends Context.Tag("@tinbao/core/Intake")<
  Intake,
  {
    /**
     * Takes in one message from a channel of the given platform. A message that breaks its schema (one an adapter
     * built without validation) is a `ParseError` naming its fields and rules, never their values; nothing is stored.
     */
    readonly handle: (message: InboundMessage, platform: ChannelKind) => Effect.Effect<Outcome, IntakeError>
    /** Tells intake that the outbox delivered a message: an acknowledgement marks its tip acknowledged. */
    readonly delivered: (message: Delivered) => Effect.Effect<void, IntakeError>
    /**
     * An officer's reply to the reporter of a tip, queued to the outbox; returns the tip's new state. With
     * `options.public` (since 0.2.0) the reply to a comment is posted in its thread for everyone to see.
     */
    readonly reply: (
      actor: Actor,
      tip: TipId,
      expectedVersion: number,
      text: string,
      options?: ReplyOptions
    ) => Effect.Effect<Tip, IntakeError>
    /**
     * Records a settled evidence record on its tip (`EvidenceStored` or `EvidenceNotRetrieved`), once however often
     * it is called: the evidence worker's `onSettled`, as in `Evidence.run({ onSettled: intake.evidenceSettled })`.
     * A record still pending records nothing.
     */
    readonly evidenceSettled: (entry: Entry) => Effect.Effect<void, IntakeError>
  }
>() {}

/**
 * The default acknowledgement, in Vietnamese.
 *
 * @since 0.1.0
 * @category constants
 */
export const acknowledgementText = (code: string, unit: Label): string =>
  `${unit.vi} đã tiếp nhận tin báo của bạn, mã số ${code}. ` +
  `Khi cần bổ sung thông tin hoặc hỏi kết quả, vui lòng nhắn kèm mã này. ` +
  `Thông tin về người báo tin được giữ bí mật.`

/**
 * Identifies the intake process in tip events.
 *
 * @since 0.1.0
 * @category constants
 */
export const actorId = "system:intake"

/**
 * Identifies the evidence worker's outcomes in tip events (recorded through {@link Intake}'s `evidenceSettled`).
 *
 * @since 0.2.0
 * @category constants
 */
export const evidenceActorId = "system:evidence"
