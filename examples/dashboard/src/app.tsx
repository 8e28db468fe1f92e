/**
 * The app: the session (who is logged in, their units), the language, and the page the route names. Without a
 * session, the login page; with one, the header (the pages, the account menu) over the page.
 */

import core from "tinbao:core"
import { useEffect, useState } from "preact/hooks"
import * as Api from "./api.js"
import { type Lang, LangContext, savedLang, saveLang, useLang } from "./i18n.js"
import { ChannelsPage } from "./pages/channels.js"
import { Login } from "./pages/login.js"
import { StatisticsPage } from "./pages/statistics.js"
import { TipPage } from "./pages/tip.js"
import { TipsPage } from "./pages/tips.js"
import { UnitsPage } from "./pages/units.js"
import { Link, navigate, type Route, useRoute } from "./router.js"
import { type Session, SessionContext, useSession } from "./session.js"

const loadSession = async (): Promise<Session> => {
  const [me, units] = await Promise.all([Api.me(), Api.units()])
  return { me, units: new Map(units.map((unit) => [unit.id, unit])) }
}

export const App = () => {
  const [lang, setLang] = useState<Lang>(savedLang)
  // undefined while asking the server, null when there is no session.
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const switchLang = () => {
    const next = lang === "vi" ? "en" : "vi"
    saveLang(next)
    setLang(next)
  }
  useEffect(() => {
    Api.onUnauthorized(() => setSession(null))
    loadSession().then(setSession, () => setSession(null))
  }, [])
  useEffect(() => {
    document.documentElement.lang = lang
  }, [lang])
  return (
    <LangContext.Provider value={lang}>
      {session === undefined ? null : session === null ? (
        <Login onLogin={() => loadSession().then(setSession)} switchLang={switchLang} />
      ) : (
        <SessionContext.Provider value={session}>
          <Shell switchLang={switchLang} onLogout={() => setSession(null)} />
        </SessionContext.Provider>
      )}
    </LangContext.Provider>
  )
}

const Page = (props: { readonly route: Route }) => {
  const { t } = useLang()
  const { path } = props.route
  if (path === "/" || path === "/login") return null
  if (path === "/tips") return <TipsPage query={props.route.query} />
  if (path.startsWith("/tips/")) return <TipPage id={decodeURIComponent(path.slice("/tips/".length))} />
  if (path === "/statistics") return <StatisticsPage query={props.route.query} />
  if (path === "/units") return <UnitsPage query={props.route.query} />
  if (path === "/channels") return <ChannelsPage />
  return <p role="alert">{t("notFoundPage")}</p>
}

const Shell = (props: { readonly switchLang: () => void; readonly onLogout: () => void }) => {
  const { t } = useLang()
  const route = useRoute()
  // The start page and the login's address, once logged in, are the list of tips.
  useEffect(() => {
    if (route.path === "/" || route.path === "/login") navigate("/tips")
  }, [route.path])
  const current = (prefix: string) => route.path.startsWith(prefix)
  return (
    <>
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <header class="top">
        <span class="brand">tinbao</span>
        <nav aria-label={t("appName")}>
          <Link href="/tips" current={current("/tips")}>
            {t("tips")}
          </Link>
          <Link href="/statistics" current={current("/statistics")}>
            {t("statistics")}
          </Link>
          <Link href="/units" current={current("/units")}>
            {t("units")}
          </Link>
          <Link href="/channels" current={current("/channels")}>
            {t("channels")}
          </Link>
        </nav>
        <AccountMenu switchLang={props.switchLang} onLogout={props.onLogout} />
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  )
}

const AccountMenu = (props: { readonly switchLang: () => void; readonly onLogout: () => void }) => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const unit = units.get(me.unit)
  return (
    <details class="account">
      <summary>
        <span class="sr-only">{t("account")}: </span>
        {me.username}
      </summary>
      <div class="menu">
        <p>
          {t("unitLabel")}: {l(unit?.name, me.unit)}
        </p>
        <p>
          {t("roles")}: {me.roles.map((role) => l(core.roles[role], role)).join(", ")}
        </p>
        <button type="button" onClick={props.switchLang} lang={lang === "vi" ? "en" : "vi"}>
          {t("switchLanguage")}
        </button>
        <button type="button" onClick={() => Api.logout().then(props.onLogout, props.onLogout)}>
          {t("logout")}
        </button>
      </div>
    </details>
  )
}
