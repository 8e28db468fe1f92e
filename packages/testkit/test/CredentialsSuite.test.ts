import { Credentials } from "@tinbao/core"
import { CredentialsSuite } from "../src/vitest.js"

CredentialsSuite.suite("Credentials in memory", Credentials.layerMemory)
