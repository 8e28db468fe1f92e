/** A refusal of the API, shown as the server worded it (the core's rule, the version conflict, the scope). */
import type { ApiError } from "../api.js"
import { useLang } from "../i18n.js"

export const Refusal = (props: { readonly error: ApiError; readonly onReload?: () => void }) => {
  const { t } = useLang()
  const { status, message } = props.error
  const heading =
    status === 409 ? t("conflict") : status === 403 ? t("forbidden") : status >= 500 ? t("unavailable") : t("refused")
  return (
    <div class="refusal" role="alert" data-status={status}>
      <strong>{heading}</strong>
      <p class="message">{message}</p>
      {status === 409 && props.onReload !== undefined ? (
        <button type="button" onClick={props.onReload}>
          {t("reload")}
        </button>
      ) : null}
    </div>
  )
}
