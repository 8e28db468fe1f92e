/**
 * Evidence URLs: which ones may be fetched, and how one is named in a message. A platform's media link carries
 * a signature in its query string that grants access to the file, so messages and logs show the host and the
 * path only.
 *
 * @internal
 */

/** The longest URL a record keeps. @internal */
export const maxUrlLength = 8192

/** The URL when it is an absolute http or https URL, else `undefined`. @internal */
export const parseUrl = (text: string): URL | undefined => {
  if (text.length > maxUrlLength || !URL.canParse(text)) return undefined
  const url = new URL(text)
  return url.protocol === "http:" || url.protocol === "https:" ? url : undefined
}

const maxPath = 80

/** The host and path of a URL, the path shortened: what a duty officer reads to know which link failed. @internal */
export const describeUrl = (url: URL): string => {
  const path = url.pathname.length > maxPath ? `${url.pathname.slice(0, maxPath - 1)}…` : url.pathname
  return `${url.host}${path}`
}

/** {@link describeUrl} of a URL given as text. @internal */
export const describe = (text: string): string => {
  const url = URL.canParse(text) ? new URL(text) : undefined
  return url === undefined ? "a malformed URL" : describeUrl(url)
}
