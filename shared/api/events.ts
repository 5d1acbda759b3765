// Events the core pushes to every renderer. Kept free of zod so the sandboxed preload can import it.
import type { AppStatus } from './types'

export interface Events {
  status: AppStatus
  /** Cached data changed: stores whose kind is listed should reload. */
  'cache.changed': { connectionId: string; kinds: string[] }
}
export type EventName = keyof Events

export const eventNames: EventName[] = ['status', 'cache.changed']
