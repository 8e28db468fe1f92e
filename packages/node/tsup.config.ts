import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  // Declarations come from tsc: tsup's bundled .d.ts drops a const that shares its name with a type.
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20"
})
