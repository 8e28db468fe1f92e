// Checks two boundaries in the code git knows (tracked files, and new ones not ignored), naming file and line:
// - a package's internals (`packages/<p>/src/internal/`, its built `dist/internal/`, or `@tinbao/<p>/internal…`) are
//   imported only from inside that package: benches, examples, test-dist and other packages use its entry points;
// - the only IP addresses in code are loopback and the unspecified address: tests and examples talk to this machine
//   alone, and a server that is down is a closed port on it.
// A line that breaks one on purpose (a test that the import is refused, say) says so: `check-boundaries: allow`.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { posix } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const code = /\.(?:[cm]?js|[cm]?ts|tsx)$/

const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
  cwd: root,
  encoding: "utf8"
})
  .split("\0")
  .filter((file) => code.test(file) && !file.split("/").includes("node_modules") && existsSync(`${root}/${file}`))

const problems = []
const lineOf = (text, index) => text.slice(0, index).split("\n").length
const report = (file, text, index, message) => {
  const line = lineOf(text, index)
  if (!text.split("\n")[line - 1].includes("check-boundaries: allow")) problems.push([file, line, message])
}

// Module specifiers: `from "…"`, `import "…"`, `import("…")`, `require("…")`.
const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g
const internalPath = /^packages\/([^/]+)\/(?:src|dist)\/internal(?:\/|$)/
const internalName = /^@tinbao\/([^/]+)\/(?:(?:src|dist)\/)?internal(?:\/|$)/

const checkImports = (file, text) => {
  for (const match of text.matchAll(specifiers)) {
    const specifier = match[2]
    const named = internalName.exec(specifier)
    if (named !== null) {
      report(file, text, match.index, `imports ${specifier}, an internal module of @tinbao/${named[1]}`)
      continue
    }
    if (!specifier.startsWith(".")) continue
    const target = posix.normalize(posix.join(posix.dirname(file), specifier))
    const inside = internalPath.exec(target)
    if (inside !== null && !file.startsWith(`packages/${inside[1]}/`)) {
      report(
        file,
        text,
        match.index,
        `imports ${specifier}, an internal module of packages/${inside[1]}: use its entry point`
      )
    }
  }
}

// IPv4 (four numbers up to 255, not part of a longer dotted run) and IPv6 (eight groups, or groups around `::`).
const ipv4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g
const ipv6 =
  /(?<![\w:.])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*(?:\.\d{1,3}){0,3})?)(?![\w:])/gi
const allowed = new Set(["127.0.0.1", "0.0.0.0", "::1", "::"])

const checkAddresses = (file, text) => {
  for (const match of text.matchAll(ipv4)) {
    const address = match[0]
    if (allowed.has(address) || address.split(".").some((n) => Number(n) > 255)) continue
    report(file, text, match.index, `names the IPv4 address ${address}: use 127.0.0.1`)
  }
  for (const match of text.matchAll(ipv6)) {
    const address = match[0]
    if (allowed.has(address.toLowerCase())) continue
    report(file, text, match.index, `names the IPv6 address ${address}: use ::1 or 127.0.0.1`)
  }
}

for (const file of files) {
  const text = readFileSync(`${root}/${file}`, "utf8")
  checkImports(file, text)
  checkAddresses(file, text)
}

if (problems.length > 0) {
  for (const [file, line, message] of problems) console.error(`${file}:${line}: ${message}`)
  console.error(`boundaries: ${problems.length} problem(s) in ${new Set(problems.map(([file]) => file)).size} file(s)`)
  process.exit(1)
}
console.log(
  `boundaries: ${files.length} files, no package's internals imported from outside it, no address but loopback`
)
