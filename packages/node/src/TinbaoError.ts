/**
 * The errors a tip line rejects with: one class per kind of refusal, each a `TinbaoError` and an `Error`, so that
 * `instanceof` tells them apart in an Express error middleware or a NestJS exception filter. Each carries the core
 * failure's fields (its reason, the tip, the rule) and a message in words an officer understands; none carries a
 * reporter's identity.
 *
 * @since 0.4.0
 */
export {
  AccessDenied,
  ConfigurationError,
  type Issue,
  RuleViolation,
  StatisticsError,
  StorageError,
  TinbaoError,
  TipLineClosed,
  TipNotFound,
  UnitRuleError,
  ValidationError,
  VersionConflict
} from "./internal/errors.js"
