/**
 * What the conformance suites share about a test's needs: why a test cannot run on a backend (a capability it
 * lacks, with the backend's reason, or a probe the backend did not give), and how a suite reads its options.
 *
 * @internal
 */
import { ParseResult, Schema } from "effect"

/** A capability as the suites hold it once decoded. @internal */
export interface Capability {
  readonly supported: boolean
  readonly reason?: string | undefined
}

/** The reasons a test must be skipped; empty when it can run. @internal */
export const missingNeeds = <C extends string, P extends object>(
  capabilities: { readonly [K in C]: Capability },
  probes: P,
  needs: { readonly capabilities?: ReadonlyArray<C>; readonly probes?: ReadonlyArray<keyof P & string> }
): Array<string> => {
  const missing: Array<string> = []
  for (const name of needs.capabilities ?? []) {
    const capability = capabilities[name]
    if (!capability.supported) missing.push(`${name} not supported: ${capability.reason ?? "no reason given"}`)
  }
  for (const name of needs.probes ?? []) {
    if (probes[name] === undefined) missing.push(`${name}: no probe given`)
  }
  return missing
}

/** A suite's capabilities, decoded; malformed ones throw at registration, naming the suite and the backend. @internal */
export const decodeCapabilities = <A, I>(schema: Schema.Schema<A, I>, input: unknown, where: string): A => {
  const decoded = Schema.decodeUnknownEither(schema)(input)
  if (decoded._tag === "Left") {
    throw new TypeError(
      `${where}: the capabilities are malformed:\n${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`
    )
  }
  return decoded.right
}
