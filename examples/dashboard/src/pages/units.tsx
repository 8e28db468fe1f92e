/**
 * Đơn vị / units: the hierarchy as of a date (`/units?on=YYYY-MM-DD`, today by default), and for the unit picked
 * (`&unit=…`) its history (established, renamed, moved, merged, split, dissolved, reclassified: the core's lineage,
 * each with its date and legal basis) and the channels bound to it. An administrator binds a channel, or one
 * conversation on it, to the unit, and unbinds; the API checks their role and scope and its refusal is shown.
 */

import core from "tinbao:core"
import { useEffect, useState } from "preact/hooks"
import * as Api from "../api.js"
import { today } from "../format.js"
import { useLang } from "../i18n.js"
import { Link, navigate } from "../router.js"
import { useSession } from "../session.js"
import { Refusal } from "./refusal.js"

const address = (on: string, unit: string) => `/units?${new URLSearchParams({ on, ...(unit === "" ? {} : { unit }) })}`

export const UnitsPage = (props: { readonly query: URLSearchParams }) => {
  const { t } = useLang()
  const on = props.query.get("on") || today()
  const selected = props.query.get("unit") ?? ""
  const [tree, setTree] = useState<ReadonlyArray<Api.UnitView> | undefined>(undefined)
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  useEffect(() => {
    setError(undefined)
    Api.units(on).then(setTree, setError)
  }, [on])
  return (
    <section aria-labelledby="units-title">
      <h1 id="units-title">{t("units")}</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t("onDate")}
          <input
            type="date"
            name="on"
            value={on}
            required
            onChange={(e) => e.currentTarget.value !== "" && navigate(address(e.currentTarget.value, selected))}
          />
        </label>
      </form>
      {error === undefined ? null : <Refusal error={error} />}
      {tree === undefined ? (
        <p>{t("loading")}</p>
      ) : (
        <div class="units-page">
          <Tree units={tree} on={on} selected={selected} />
          {selected === "" ? <p>{t("chooseUnit")}</p> : <UnitDetail unit={selected} units={tree} />}
        </div>
      )}
    </section>
  )
}

const Tree = (props: {
  readonly units: ReadonlyArray<Api.UnitView>
  readonly on: string
  readonly selected: string
}) => {
  const { l } = useLang()
  const children = new Map<string | undefined, Array<Api.UnitView>>()
  const ids = new Set(props.units.map((unit) => unit.id))
  for (const unit of props.units) {
    // A unit whose parent is not in the tree of that date is shown as a root.
    const parent = unit.parent !== undefined && ids.has(unit.parent) ? unit.parent : undefined
    children.set(parent, [...(children.get(parent) ?? []), unit])
  }
  const branch = (parent: string | undefined) => (
    <ul>
      {(children.get(parent) ?? []).map((unit) => (
        <li data-unit={unit.id}>
          <Link href={address(props.on, unit.id)} current={unit.id === props.selected}>
            {l(unit.name, unit.id)}
          </Link>
          {children.has(unit.id) ? branch(unit.id) : null}
        </li>
      ))}
    </ul>
  )
  return <nav class="tree">{branch(undefined)}</nav>
}

const UnitDetail = (props: { readonly unit: string; readonly units: ReadonlyArray<Api.UnitView> }) => {
  const { t, l, lang } = useLang()
  const { me, units: mine } = useSession()
  const [history, setHistory] = useState<ReadonlyArray<Api.UnitChange> | undefined>(undefined)
  const [bindings, setBindings] = useState<ReadonlyArray<Api.Binding>>([])
  const [channels, setChannels] = useState<ReadonlyArray<Api.Channel>>([])
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  const [channel, setChannel] = useState("")
  const [conversation, setConversation] = useState("")
  const [busy, setBusy] = useState(false)
  const administrator = me.roles.includes("administrator")
  const load = () =>
    Promise.all([Api.unitHistory(props.unit), Api.bindings(), Api.channels()]).then(([changes, all, configured]) => {
      setHistory(changes)
      setBindings(all.filter((binding) => binding.unit === props.unit))
      setChannels(configured)
    }, setError)
  useEffect(() => {
    setHistory(undefined)
    setError(undefined)
    load()
  }, [props.unit])
  const change = async (doing: () => Promise<unknown>) => {
    setBusy(true)
    try {
      await doing()
      setError(undefined)
      await load()
    } catch (failure) {
      if (failure instanceof Api.ApiError) setError(failure)
      else throw failure
    } finally {
      setBusy(false)
    }
  }
  const names = new Map(props.units.map((unit) => [unit.id, unit.name]))
  const name = (id: unknown) => {
    const text = typeof id === "string" ? id : ""
    return l(names.get(text) ?? mine.get(text)?.name, text)
  }
  const list = (ids: unknown) => (Array.isArray(ids) ? ids.map(name).join(", ") : "")
  const what = (c: Api.UnitChange): string => {
    switch (c._tag) {
      case "Established":
      case "Renamed":
        return l(c.name as Api.UnitView["name"], "")
      case "Moved":
        return `${name(c.unit)} → ${name(c.newParent)}`
      case "Merged":
        return `${list(c.sources)} → ${name(c.into)}`
      case "Split":
        return `${name(c.source)} → ${list(c.into)}`
      case "Dissolved":
        return c.heir === undefined ? name(c.unit) : `${name(c.unit)} → ${name(c.heir)}`
      default:
        return `${name(c.unit)}: ${String(c.kind ?? "")}`
    }
  }
  return (
    <div class="unit-detail">
      <h2>{name(props.unit)}</h2>
      {error === undefined ? null : <Refusal error={error} />}
      <h3>{t("unitHistory")}</h3>
      {history === undefined ? (
        <p>{t("loading")}</p>
      ) : history.length === 0 ? (
        <p>{t("noHistory")}</p>
      ) : (
        <ol class="unit-history">
          {history.map((c) => (
            <li data-change={c._tag}>
              <time dateTime={c.effectiveDate}>{c.effectiveDate}</time>{" "}
              <strong>{l(core.unitChanges[c._tag], c._tag)}</strong>: {what(c)}{" "}
              <span class="hint">
                ({t("legalBasis")}: {c.legalBasis})
              </span>
            </li>
          ))}
        </ol>
      )}
      <h3>{t("bindings")}</h3>
      {bindings.length === 0 ? (
        <p>{t("noBindings")}</p>
      ) : (
        <table class="bindings">
          <thead>
            <tr>
              <th scope="col">{t("channel")}</th>
              <th scope="col">{t("conversation")}</th>
              {administrator ? <th scope="col">{t("unbind")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {bindings.map((binding) => (
              <tr data-channel={binding.channel} data-conversation={binding.conversation ?? ""}>
                <td>{binding.channel}</td>
                <td>{binding.conversation ?? t("wholeChannel")}</td>
                {administrator ? (
                  <td>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`${t("unbind")} ${binding.channel} ${binding.conversation ?? ""}`.trim()}
                      onClick={() =>
                        change(() =>
                          Api.unbind({
                            channel: binding.channel,
                            ...(binding.conversation === undefined ? {} : { conversation: binding.conversation })
                          })
                        )
                      }
                    >
                      {t("unbind")}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {administrator ? (
        <form
          class="bind"
          onSubmit={(event) => {
            event.preventDefault()
            if (channel === "") return
            change(() =>
              Api.bind({
                channel,
                unit: props.unit,
                ...(conversation.trim() === "" ? {} : { conversation: conversation.trim() })
              })
            ).then(() => setConversation(""))
          }}
        >
          <label>
            {t("channel")}
            <select name="channel" value={channel} required onChange={(e) => setChannel(e.currentTarget.value)}>
              <option value="" />
              {channels.map((option) => (
                <option value={option.id}>
                  {option.id} ({option.platform.label[lang]})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("conversation")}
            <input name="conversation" value={conversation} onInput={(e) => setConversation(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t("bind")}
          </button>
        </form>
      ) : null}
    </div>
  )
}
