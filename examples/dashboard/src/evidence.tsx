/**
 * A tip's evidence files: a stored photo is shown from the API (`/api/tips/:id/evidence/:item`, same origin, so the
 * session's cookie and the page's CSP allow it); any other stored file is listed with its SHA-256 and size, and a
 * link to its bytes; a pending or unretrieved file says so. The platform's link is never shown (the API omits it).
 */
import { type Evidence, evidenceUrl } from "./api.js"
import { dateTime, size } from "./format.js"
import { useLang } from "./i18n.js"

export const EvidenceList = (props: { readonly tip: string; readonly files: ReadonlyArray<Evidence> }) => {
  const { t, lang } = useLang()
  if (props.files.length === 0) return <p>{t("noEvidence")}</p>
  return (
    <ul class="evidence">
      {props.files.map((file, index) => {
        const item = file.item
        if (file.status !== "stored" || item === undefined)
          return (
            <li data-evidence={file.status}>
              {file.status === "pending"
                ? t("evidencePending")
                : t("evidenceNotRetrieved", { why: file.message ?? "" })}
            </li>
          )
        const url = evidenceUrl(props.tip, item.hash)
        const name = t("evidenceFile", { n: index + 1 })
        return (
          <li data-evidence="stored" data-hash={item.hash}>
            {item.mediaType.startsWith("image/") ? (
              <a href={url} target="_blank" rel="noopener">
                <img src={url} alt={name} loading="lazy" />
              </a>
            ) : (
              <a href={url} download>
                {name}
              </a>
            )}
            <dl class="file">
              <dt>{t("mediaType")}</dt>
              <dd>{item.mediaType}</dd>
              <dt>{t("fileSize")}</dt>
              <dd>{size(item.size)}</dd>
              <dt>SHA-256</dt>
              <dd>
                <code class="hash">{item.hash}</code>
              </dd>
              <dt>{t("storedAt")}</dt>
              <dd>{dateTime(lang, item.storedAt)}</dd>
            </dl>
          </li>
        )
      })}
    </ul>
  )
}
