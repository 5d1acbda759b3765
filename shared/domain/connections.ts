// Connections, the domain part shared by renderer, core and CLI.
// Parses the credentials snippet the ClearML web app shows after "Create new credentials":
//   api {
//     web_server: https://app.example.com
//     api_server: https://api.example.com
//     files_server: https://files.example.com
//     credentials {
//       "access_key" = "ABC..."
//       "secret_key" = "xyz..."
//     }
//   }
// Deliberately tolerant: whitespace, quotes, ':' or '=', and missing sections all vary between versions.

export interface ParsedSnippet {
  apiUrl?: string
  webUrl?: string
  filesUrl?: string
  accessKey?: string
  secretKey?: string
}

export function parseCredentialsSnippet(text: string): { value: ParsedSnippet; missing: string[] } {
  const grab = (key: string): string | undefined => {
    const re = new RegExp(`["']?${key}["']?\\s*[:=]\\s*(?:"([^"\\n]*)"|'([^'\\n]*)'|([^\\s,}#]+))`)
    const m = re.exec(text)
    if (!m) return undefined
    const v = (m[1] ?? m[2] ?? m[3] ?? '').trim()
    return v || undefined
  }
  const value: ParsedSnippet = {
    apiUrl: grab('api_server') ?? grab('host'),
    webUrl: grab('web_server'),
    filesUrl: grab('files_server'),
    accessKey: grab('access_key'),
    secretKey: grab('secret_key')
  }
  const missing: string[] = []
  if (!value.apiUrl) missing.push('api_server')
  if (!value.accessKey) missing.push('access_key')
  if (!value.secretKey) missing.push('secret_key')
  return { value, missing }
}

/** A suggested connection name from a URL's host, e.g. "api.clear.ml" -> "clear.ml". */
export function suggestConnectionName(apiUrl: string | undefined): string {
  if (!apiUrl) return ''
  const m = /^https?:\/\/([^/:?#]+)(?::(\d+))?/i.exec(apiUrl)
  if (!m) return ''
  const host = m[1].replace(/^api\./i, '')
  return m[2] && host !== 'localhost' && !/^\d/.test(host) ? host : m[2] ? `${host}:${m[2]}` : host
}
