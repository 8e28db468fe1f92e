import { defaultServerConditions } from "vite"
import { defineConfig } from "vitest/config"

// One root config; each package is a project. Sources resolve through the
// "@tinbao/source" export condition so tests run without a build, except the
// "dist" project, which runs the published conformance suite against the
// built output so that what we publish is what we test.
const conditions = ["@tinbao/source", ...defaultServerConditions]
const source = { conditions }
const ssr = { resolve: { conditions, externalConditions: conditions } }

export default defineConfig({
  test: {
    projects: [
      { resolve: source, ssr, test: { name: "core", root: "packages/core", include: ["test/**/*.test.ts"] } },
      { resolve: source, ssr, test: { name: "testkit", root: "packages/testkit", include: ["test/**/*.test.ts"] } },
      { resolve: source, ssr, test: { name: "sql", root: "packages/sql", include: ["test/**/*.test.ts"] } },
      { resolve: source, ssr, test: { name: "web", root: "packages/web", include: ["test/**/*.test.ts"] } },
      { resolve: source, ssr, test: { name: "zalo", root: "packages/zalo", include: ["test/**/*.test.ts"] } },
      {
        resolve: source,
        ssr,
        test: { name: "facebook", root: "packages/facebook", include: ["test/**/*.test.ts"] }
      },
      { resolve: source, ssr, test: { name: "node", root: "packages/node", include: ["test/**/*.test.ts"] } },
      {
        resolve: source,
        ssr,
        test: { name: "examples", root: "examples", include: ["*/test/**/*.test.ts"] }
      },
      { test: { name: "dist", root: "test-dist", include: ["**/*.test.ts"] } },
      { test: { name: "scripts", root: "scripts", include: ["test/**/*.test.mjs"] } },
      // Packs the built packages and installs them into a new app: needs the build and the npm registry.
      { test: { name: "install", root: "test-install", include: ["**/*.test.ts"] } }
    ]
  }
})
