// A TypeDoc plugin for the convention TypeDoc cannot check by itself: every export has JSDoc with `@since` and
// `@category` (a namespace re-exported from an index needs only `@since`). It warns, and `treatWarningsAsErrors`
// turns the warnings into a failed `npm run docs`.
import { Converter, ReflectionKind } from "typedoc"

const commentsOf = (reflection) => {
  const declarations = [reflection, reflection.type?.type === "reflection" ? reflection.type.declaration : undefined]
  return declarations
    .filter((declaration) => declaration !== undefined)
    .flatMap((declaration) => [declaration.comment, ...(declaration.signatures ?? []).map((s) => s.comment)])
    .filter((comment) => comment !== undefined)
}

const missingTags = (reflection) => {
  const tags = new Set(commentsOf(reflection).flatMap((comment) => comment.blockTags.map((tag) => tag.tag)))
  const required = reflection.kindOf(ReflectionKind.SomeModule) ? ["@since"] : ["@since", "@category"]
  return required.filter((tag) => !tags.has(tag))
}

/** @param {import("typedoc").Application} app */
export const load = (app) => {
  // Before the category plugin (priority -200), which consumes the `@category` tags.
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const { project } = context
      for (const container of [project, ...project.getReflectionsByKind(ReflectionKind.SomeModule)]) {
        for (const child of container.children ?? []) {
          if (child.kindOf(ReflectionKind.Reference)) continue
          const missing = missingTags(child)
          if (missing.length > 0) {
            app.logger.warn(`${child.getFriendlyFullName()} has no ${missing.join(" and no ")} in its JSDoc`)
          }
        }
      }
    },
    100
  )
}
