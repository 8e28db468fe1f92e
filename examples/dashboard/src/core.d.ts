/** The core's labels and lifecycle graph, bundled by scripts/build.ts from @tinbao/core (see there why). */
declare module "tinbao:core" {
  export interface Label {
    readonly vi: string
    readonly en: string
  }
  type Labels = { readonly [key: string]: Label }
  const core: {
    readonly statuses: Labels
    readonly channels: Labels
    readonly categories: Labels
    readonly legalTypes: Labels
    readonly roles: Labels
    readonly outcomes: Labels
    readonly unitChanges: Labels
    readonly outcomeKinds: ReadonlyArray<string>
    readonly outcomesByLegalType: { readonly [legalType: string]: ReadonlyArray<string> }
    readonly suspensionGrounds: ReadonlyArray<string>
    readonly nonProsecutionGrounds: ReadonlyArray<string>
    readonly graph: {
      readonly [command: string]: {
        readonly edges: ReadonlyArray<readonly [string, string]>
        readonly roles: ReadonlyArray<string>
      }
    }
  }
  export default core
}
