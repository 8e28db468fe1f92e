/**
 * `@tinbao/core`: the model of tinbao. Units and their history, the tip lifecycle with its legal deadlines,
 * access scopes, the reporter's identity vault, the register, and the ports with in-memory implementations.
 *
 * @since 0.1.0
 * @packageDocumentation
 */

/** @since 0.1.0 */
export * as Access from "./Access.js"

/** @since 0.1.0 */
export * as Actor from "./Actor.js"
/** @since 0.1.0 */
export * as Binding from "./Binding.js"
/** @since 0.1.0 */
export * as Calendar from "./Calendar.js"
/** @since 0.1.0 */
export * as Category from "./Category.js"
/** @since 0.1.0 */
export * as Channel from "./Channel.js"
/** @since 0.2.0 */
export * as ChannelCheck from "./ChannelCheck.js"
/** @since 0.2.0 */
export * as ChannelHttp from "./ChannelHttp.js"
/** @since 0.2.0 */
export * as Channels from "./Channels.js"
/** @since 0.1.0 */
export * as Command from "./Command.js"
/** @since 0.2.0 */
export * as ConversationActivity from "./ConversationActivity.js"
/** @since 0.2.0 */
export * as Credentials from "./Credentials.js"
/** @since 0.1.0 */
export * as Deadline from "./Deadline.js"
/** @since 0.1.0 */
export * as Dispatcher from "./Dispatcher.js"
/** @since 0.2.0 */
export * as Evidence from "./Evidence.js"
/** @since 0.1.0 */
export * as IdentityVault from "./IdentityVault.js"
/** @since 0.1.0 */
export * as InboundMessage from "./InboundMessage.js"
/** @since 0.1.0 */
export * as Inbox from "./Inbox.js"
/** @since 0.1.0 */
export * as Intake from "./Intake.js"
/** @since 0.1.0 */
export * as IntakeLedger from "./IntakeLedger.js"
/** @since 0.1.0 */
export * as Label from "./Label.js"
/** @since 0.1.0 */
export * as Lifecycle from "./Lifecycle.js"
/** @since 0.1.0 */
export * as LocalDate from "./LocalDate.js"
/** @since 0.2.0 */
export * as MediaStore from "./MediaStore.js"
/** @since 0.1.0 */
export * as Outbox from "./Outbox.js"
/** @since 0.1.0 */
export * as Period from "./Period.js"
/** @since 0.1.0 */
export * as Register from "./Register.js"
/** @since 0.2.0 */
export * as RetryPolicy from "./RetryPolicy.js"
/** @since 0.1.0 */
export * as Routing from "./Routing.js"
/** @since 0.1.0 */
export * as StatisticalPeriod from "./StatisticalPeriod.js"
/** @since 0.1.0 */
export * as Statistics from "./Statistics.js"
/** @since 0.1.0 */
export * as StatisticsExport from "./StatisticsExport.js"
/** @since 0.2.0 */
export * as StatisticsPlan from "./StatisticsPlan.js"
/** @since 0.1.0 */
export * as Tip from "./Tip.js"
/** @since 0.1.0 */
export * as TipEvent from "./TipEvent.js"
/** @since 0.1.0 */
export * as TipStore from "./TipStore.js"
/** @since 0.1.0 */
export * as Tips from "./Tips.js"
/** @since 0.1.0 */
export * as Transaction from "./Transaction.js"
/** @since 0.1.0 */
export * as Unit from "./Unit.js"
/** @since 0.1.0 */
export * as UnitChange from "./UnitChange.js"
/** @since 0.1.0 */
export * as UnitDirectory from "./UnitDirectory.js"
/** @since 0.1.0 */
export * as UnitHierarchy from "./UnitHierarchy.js"
/** @since 0.2.0 */
export * as VaultKey from "./VaultKey.js"
/** @since 0.1.0 */
export * as Webhook from "./Webhook.js"
