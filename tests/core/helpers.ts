// Shared by the core tests.

/** Poll `fn` until `ok` accepts its value (a condition the code under test reaches by itself). */
export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/**
 * A loopback HTTP proxy in front of a server that records each request's path, so a test can count the
 * requests an operation makes (e.g. provisioning: the same number for 1 object as for 1,000).
 */
export async function countingProxy(target: string): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const { createServer, request } = await import('node:http')
  const to = new URL(target)
  const paths: string[] = []
  const server = createServer((req, res) => {
    paths.push(req.url ?? '')
    const up = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}
