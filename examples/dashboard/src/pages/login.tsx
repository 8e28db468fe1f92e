/** Đăng nhập / log in: a user name and a password; the API sets the session cookie and gives the CSRF token. */
import { useState } from "preact/hooks"
import * as Api from "../api.js"
import { useLang } from "../i18n.js"

export const Login = (props: { readonly onLogin: () => Promise<void>; readonly switchLang: () => void }) => {
  const { t, lang } = useLang()
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    setBusy(true)
    try {
      await Api.login(`${form.get("username") ?? ""}`, `${form.get("password") ?? ""}`)
      await props.onLogin()
    } catch (failure) {
      const status = failure instanceof Api.ApiError ? failure.status : 0
      setError(
        status === 401
          ? t("wrongLogin")
          : status === 429
            ? t("tooMany", { n: (failure as Api.ApiError).retryAfter ?? 60 })
            : t("unavailable")
      )
      setBusy(false)
    }
  }
  return (
    <main class="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">tinbao · {t("login")}</h1>
        <label>
          {t("username")}
          <input name="username" autocomplete="username" required />
        </label>
        <label>
          {t("password")}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {error === undefined ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t("login")}
        </button>
        <button type="button" class="link" onClick={props.switchLang} lang={lang === "vi" ? "en" : "vi"}>
          {t("switchLanguage")}
        </button>
      </form>
    </main>
  )
}
