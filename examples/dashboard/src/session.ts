/** Who is logged in and the units they may see, shared by every page. */
import { createContext } from "preact"
import { useContext } from "preact/hooks"
import type { Me, UnitView } from "./api.js"

export interface Session {
  readonly me: Me
  readonly units: ReadonlyMap<string, UnitView>
}

export const SessionContext = createContext<Session | undefined>(undefined)

export const useSession = (): Session => useContext(SessionContext)!

/** The units of the subtree under `root` (itself first), as the API scopes an actor: the tips and figures they may see. */
export const subtree = (units: ReadonlyMap<string, UnitView>, root: string): ReadonlyArray<UnitView> => {
  const children = new Map<string, Array<UnitView>>()
  for (const unit of units.values()) {
    if (unit.parent !== undefined) children.set(unit.parent, [...(children.get(unit.parent) ?? []), unit])
  }
  const found: Array<UnitView> = []
  const visit = (id: string) => {
    const unit = units.get(id)
    if (unit !== undefined) found.push(unit)
    for (const child of children.get(id) ?? []) visit(child.id)
  }
  visit(root)
  return found
}
