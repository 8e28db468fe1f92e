/**
 * Client routes over the History API: the path and query of the address bar are the page's state, so a filtered
 * list or a tip can be bookmarked and reloaded. The server answers index.html for these paths (dashboard.ts).
 */
import type { ComponentChildren } from "preact"
import { useEffect, useState } from "preact/hooks"

export interface Route {
  readonly path: string
  readonly query: URLSearchParams
}

const current = (): Route => ({ path: location.pathname, query: new URLSearchParams(location.search) })

export const navigate = (to: string) => {
  history.pushState(null, "", to)
  dispatchEvent(new PopStateEvent("popstate"))
}

export const useRoute = (): Route => {
  const [route, setRoute] = useState(current)
  useEffect(() => {
    const changed = () => setRoute(current())
    addEventListener("popstate", changed)
    return () => removeEventListener("popstate", changed)
  }, [])
  return route
}

/** A link that changes the route without reloading; a modified click (new tab, new window) is the browser's. */
export const Link = (props: {
  readonly href: string
  readonly current?: boolean
  readonly children: ComponentChildren
}) => (
  <a
    href={props.href}
    aria-current={props.current === true ? "page" : undefined}
    onClick={(event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
      event.preventDefault()
      navigate(props.href)
    }}
  >
    {props.children}
  </a>
)
