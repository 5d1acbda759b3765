// Events the core pushes to every renderer. Kept free of zod so the sandboxed preload can import it.
import type { ApplyProgress } from '../domain/drafts'
import type { AppStatus } from './types'

/** Kinds of data a screen shows. A write names the topics it changes; a screen reloads on its topics. */
export const topics = ['connections', 'profile', 'drafts', 'vaults', 'resources', 'history', 'preferences', 'cloudAccess', 'storage', 'credentials', 'gateway', 'workspace', 'users', 'groups', 'identityProviders', 'serviceAccounts', 'accessRules', 'usage'] as const
export type Topic = (typeof topics)[number]

export interface DataChanged {
  /** The connection whose data changed; null for data that belongs to no connection (the connection list). */
  connectionId: string | null
  topics: Topic[]
}

export interface Events {
  status: AppStatus
  /** Data changed (a write succeeded, or a refresh brought different data): stores on these topics reload. */
  'data.changed': DataChanged
  /** Progress of a running apply (drafts.apply), one event per object. */
  'drafts.progress': ApplyProgress
}
export type EventName = keyof Events

export const eventNames: EventName[] = ['status', 'data.changed', 'drafts.progress']
