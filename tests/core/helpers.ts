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
