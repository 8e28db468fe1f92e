// Writes units.json, the file the demo configures its units from: the encoded form of the testkit's
// `NinhBinh.allChanges`. Run it when the fixture changes (`npm run units`), then `npx biome format --write
// examples/ninh-binh-demo/units.json`; test/units.test.ts fails while the file and the fixture differ.
import { writeFileSync } from "node:fs"
import { UnitChange } from "@tinbao/core"
import { NinhBinh } from "@tinbao/testkit"
import { Schema } from "effect"

const encoded = Schema.encodeSync(Schema.Array(UnitChange.UnitChange))(NinhBinh.allChanges)
writeFileSync(new URL("../units.json", import.meta.url), `${JSON.stringify(encoded, null, 2)}\n`)
