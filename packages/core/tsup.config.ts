import { defineConfig } from "tsup"

export default defineConfig({
  // The `tinbao` command is an entry of its own; what it shares with the library goes in a common chunk.
  entry: ["src/index.ts", "src/bin/tinbao.ts"],
  format: ["esm"],
  // Declarations come from tsc: tsup's bundled .d.ts drops a const that shares its name with a type.
  dts: false,
  sourcemap: true,
  clean: true,
  target: "node20"
})
