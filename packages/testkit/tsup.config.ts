import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/vitest.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  external: ["vitest", "@effect/vitest", "effect", "@tinbao/core"]
})
