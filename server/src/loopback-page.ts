import type { IncomingMessage, ServerResponse } from 'node:http'

// What the two loopback identity providers (oidc-provider.ts, saml-idp.ts; tests and demo only) share: HTML escaping,
// a small form body reader and a plain HTML page.

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A url-encoded form body (at most 64 KiB: a longer one is cut off). */
export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => {
      body += c
      if (body.length > 64 * 1024) req.destroy()
    })
    req.on('end', () => resolve(new URLSearchParams(body)))
    req.on('error', reject)
  })
}

/** A plain HTML page titled `title`, never cached. */
export function htmlPage(res: ServerResponse, status: number, title: string, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em}button{display:block;margin:.4em 0;padding:.5em 1em}</style></head><body>${html}</body></html>`)
}
