/**
 * Kênh / channels: every configured channel with its unit, whether its credentials work (an OA's or a page's:
 * active, to reconnect, missing), the webhook its deliveries arrive on, when it last received one and the dead
 * letters there. An administrator reconnects: a Zalo OA by opening Zalo's authorization page (the API starts the
 * OAuth and Zalo sends the browser back to the server's callback), a Facebook page by pasting its token (sent once,
 * never shown or kept here); and opens a webhook's dead letters (never their bodies) to replay or delete them.
 */
import { useEffect, useState } from "preact/hooks"
import * as Api from "../api.js"
import { dateTime } from "../format.js"
import { useLang, type Word } from "../i18n.js"
import { useSession } from "../session.js"
import { Refusal } from "./refusal.js"

const credentialWords: Readonly<Record<string, Word>> = {
  active: "credentialsActive",
  reconnect: "credentialsReconnect",
  missing: "credentialsMissing"
}

export const ChannelsPage = () => {
  const { t, l, lang } = useLang()
  const { me, units } = useSession()
  const [channels, setChannels] = useState<ReadonlyArray<Api.Channel> | undefined>(undefined)
  const [error, setError] = useState<Api.ApiError | undefined>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const [tokens, setTokens] = useState<Readonly<Record<string, string>>>({})
  const [busy, setBusy] = useState(false)
  // The webhook whose dead letters are open, and them once loaded (a Meta app's pages share one webhook).
  const [opened, setOpened] = useState<{ webhook: string; letters?: ReadonlyArray<Api.DeadLetter> } | undefined>()
  const administrator = me.roles.includes("administrator")
  const load = () => Api.channels().then(setChannels, setError)
  // A refusal closes the list (the page shows the API's words) rather than leaving it loading.
  const openDeadLetters = (webhook: string) => {
    setOpened({ webhook })
    return Api.deadLetters(webhook).then(
      (letters) => setOpened({ webhook, letters }),
      (failure: unknown) => {
        setOpened(undefined)
        throw failure
      }
    )
  }
  useEffect(() => {
    load()
  }, [])
  const run = async (doing: () => Promise<void>) => {
    setBusy(true)
    setNotice(undefined)
    try {
      await doing()
      setError(undefined)
    } catch (failure) {
      if (failure instanceof Api.ApiError) setError(failure)
      else throw failure
    } finally {
      setBusy(false)
    }
  }
  // Replay or delete a dead letter, then show the counts and the webhook's dead letters as they are now.
  const settle = (webhook: string, id: string, word: Word, done: Word, act: (id: string) => Promise<void>) => (
    <button
      type="button"
      disabled={busy}
      aria-label={`${t(word)} ${id}`}
      onClick={() =>
        run(async () => {
          await act(id)
          setNotice(t(done, { id }))
          await Promise.all([load(), openDeadLetters(webhook)])
        })
      }
    >
      {t(word)}
    </button>
  )
  const reconnect = (channel: Api.Channel) =>
    channel.platform.id === "zalo" ? (
      <button
        type="button"
        disabled={busy}
        aria-label={`${t("reconnect")} ${channel.id}`}
        onClick={() =>
          run(async () => {
            const { authorizationUrl } = await Api.authorizeZalo()
            location.assign(authorizationUrl)
          })
        }
      >
        {t("reconnect")}
      </button>
    ) : (
      <form
        class="token"
        onSubmit={(event) => {
          event.preventDefault()
          const token = tokens[channel.id] ?? ""
          if (token.trim() === "") return
          run(async () => {
            await Api.connectPage(channel.id, token)
            setTokens({ ...tokens, [channel.id]: "" })
            setNotice(t("connected", { id: channel.id }))
            await load()
          })
        }}
      >
        <label>
          {t("pageToken")}
          <input
            type="password"
            name="token"
            autoComplete="off"
            required
            value={tokens[channel.id] ?? ""}
            onInput={(e) => setTokens({ ...tokens, [channel.id]: e.currentTarget.value })}
          />
        </label>
        <button type="submit" disabled={busy} aria-label={`${t("reconnect")} ${channel.id}`}>
          {t("reconnect")}
        </button>
      </form>
    )
  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">{t("channels")}</h1>
      {error === undefined ? null : <Refusal error={error} />}
      {notice === undefined ? null : (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {channels === undefined ? (
        <p>{t("loading")}</p>
      ) : (
        <table class="channels">
          <thead>
            <tr>
              <th scope="col">{t("channel")}</th>
              <th scope="col">{t("platform")}</th>
              <th scope="col">{t("unitLabel")}</th>
              <th scope="col">{t("credentials")}</th>
              <th scope="col">{t("webhook")}</th>
              <th scope="col">{t("lastDelivery")}</th>
              <th scope="col">{t("deadLetters")}</th>
              {administrator ? <th scope="col">{t("reconnect")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {channels.map((channel) => {
              const word = channel.credentials === undefined ? undefined : credentialWords[channel.credentials]
              return (
                <tr data-channel={channel.id}>
                  <td data-label={t("channel")}>{channel.id}</td>
                  <td data-label={t("platform")}>{l(channel.platform.label, channel.platform.id)}</td>
                  <td data-label={t("unitLabel")}>{l(units.get(channel.unit)?.name, channel.unit)}</td>
                  <td data-label={t("credentials")} data-credentials={channel.credentials ?? "none"}>
                    {word === undefined ? t("credentialsNone") : t(word)}
                  </td>
                  <td data-label={t("webhook")}>
                    <code>/webhooks/{channel.webhook}</code>
                  </td>
                  <td data-label={t("lastDelivery")} data-last-delivery={channel.lastDeliveryAt ?? "none"}>
                    {channel.lastDeliveryAt === undefined ? (
                      t("noDelivery")
                    ) : (
                      <time dateTime={channel.lastDeliveryAt}>{dateTime(lang, channel.lastDeliveryAt)}</time>
                    )}
                  </td>
                  <td data-label={t("deadLetters")}>
                    <span data-dead-letters={channel.deadLetters}>{channel.deadLetters}</span>
                    {administrator && channel.deadLetters > 0 ? (
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`${t("showDeadLetters")} ${channel.id}`}
                        onClick={() => run(() => openDeadLetters(channel.webhook))}
                      >
                        {t("showDeadLetters")}
                      </button>
                    ) : null}
                  </td>
                  {administrator ? (
                    <td data-label={t("reconnect")}>{channel.credentials === undefined ? null : reconnect(channel)}</td>
                  ) : null}
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {opened === undefined ? null : (
        <section aria-labelledby="dead-letters-title" data-dead-letters-of={opened.webhook}>
          <h2 id="dead-letters-title">{t("deadLettersOf", { webhook: opened.webhook })}</h2>
          {opened.letters === undefined ? (
            <p>{t("loading")}</p>
          ) : opened.letters.length === 0 ? (
            <p>{t("noDeadLetters")}</p>
          ) : (
            <table class="dead-letters">
              <thead>
                <tr>
                  <th scope="col">{t("receivedAt")}</th>
                  <th scope="col">{t("attempts")}</th>
                  <th scope="col">{t("deadReason")}</th>
                  <th scope="col">{t("lastError")}</th>
                  <th scope="col">{t("replay")}</th>
                </tr>
              </thead>
              <tbody>
                {opened.letters.map((letter) => (
                  <tr data-dead-letter={letter.id}>
                    <td data-label={t("receivedAt")}>
                      <time dateTime={letter.receivedAt}>{dateTime(lang, letter.receivedAt)}</time>
                    </td>
                    <td data-label={t("attempts")}>{letter.attempts}</td>
                    <td data-label={t("deadReason")}>{letter.deadReason ?? ""}</td>
                    <td data-label={t("lastError")}>{letter.lastError ?? ""}</td>
                    <td data-label={t("replay")}>
                      {settle(opened.webhook, letter.id, "replay", "replayed", Api.replayDeadLetter)}
                      {settle(opened.webhook, letter.id, "deleteDeadLetter", "deletedDeadLetter", Api.deleteDeadLetter)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  )
}
