const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const abs = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** "3 minutes ago", "yesterday"... relative to `now`. */
export function relativeTime(ms: number, now = Date.now()): string {
  const s = Math.round((ms - now) / 1000)
  const a = Math.abs(s)
  if (a < 45) return 'just now'
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute')
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour')
  if (a < 86400 * 30) return rtf.format(Math.round(s / 86400), 'day')
  if (a < 86400 * 365) return rtf.format(Math.round(s / (86400 * 30)), 'month')
  return rtf.format(Math.round(s / (86400 * 365)), 'year')
}

export function absoluteTime(ms: number): string {
  return abs.format(new Date(ms))
}
