/**
 * The identity custodian's reveal: a required reason, then the reporter's identity shown once in a modal dialog.
 * The identity lives in this component's state only (never in the address, localStorage or sessionStorage) and is
 * dropped when the dialog closes; the API records the reveal on the tip, so the timeline shows it after.
 */
import { useEffect, useRef, useState } from "preact/hooks"
import * as Api from "./api.js"
import { useLang } from "./i18n.js"

export const Reveal = (props: {
  readonly tip: Api.TipView
  readonly busy: boolean
  readonly act: (change: () => Promise<Api.TipView>, after: () => void) => Promise<void>
}) => {
  const { t } = useLang()
  const [reason, setReason] = useState("")
  const [identity, setIdentity] = useState<Api.Identity | undefined>(undefined)
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    if (identity !== undefined) dialog.current?.showModal()
  }, [identity])
  const close = () => {
    dialog.current?.close()
    setIdentity(undefined)
  }
  return (
    <section aria-labelledby="reveal-title">
      <h2 id="reveal-title">{t("reveal")}</h2>
      <form
        class="reveal"
        onSubmit={(event) => {
          event.preventDefault()
          if (reason.trim() === "") return
          props.act(
            async () => {
              const answer = await Api.reveal(props.tip.id, props.tip.version, reason)
              setIdentity(answer.identity)
              return answer.tip
            },
            () => setReason("")
          )
        }}
      >
        <label class="wide">
          {t("revealReason")}
          <textarea
            name="revealReason"
            rows={2}
            required
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <p class="hint">{t("revealHint")}</p>
        <button type="submit" disabled={props.busy}>
          {t("revealAction")}
        </button>
      </form>
      <dialog ref={dialog} class="identity" aria-labelledby="identity-title" onClose={() => setIdentity(undefined)}>
        {identity === undefined ? null : (
          <>
            <h2 id="identity-title">{t("identity")}</h2>
            <dl>
              <dt>{t("channel")}</dt>
              <dd>{identity.channel}</dd>
              <dt>{t("platformUserId")}</dt>
              <dd>{identity.platformUserId}</dd>
              {identity.displayName === undefined ? null : (
                <>
                  <dt>{t("displayName")}</dt>
                  <dd>{identity.displayName}</dd>
                </>
              )}
              {identity.phone === undefined ? null : (
                <>
                  <dt>{t("phone")}</dt>
                  <dd>{identity.phone}</dd>
                </>
              )}
              {identity.address === undefined ? null : (
                <>
                  <dt>{t("address")}</dt>
                  <dd>{identity.address}</dd>
                </>
              )}
            </dl>
            <p class="hint">{t("identityOnce")}</p>
            <button type="button" onClick={close}>
              {t("close")}
            </button>
          </>
        )}
      </dialog>
    </section>
  )
}
