// The only kind-specific part of drafts → plan → apply: how one kind of object is read from and written to
// the server. Everything else (storage, plan, conflicts, apply, progress, history) is the engine's.
import type { DraftContent, DraftKind } from '../../../shared/api'

/** A server object as the server has it now, with the server's version when it gives one. */
export interface ServerCopy<K extends DraftKind> {
  doc: DraftContent[K]
  version: string | null
}

export interface Provisioner<K extends DraftKind = DraftKind> {
  kind: K
  /** The server's current documents, live (never from the cache): every object the caller may provision. */
  fetchAll(signal?: AbortSignal): Promise<Map<string, ServerCopy<K>>>
  /** The fields that matter, as a fingerprint: equal fingerprints mean nothing to send. */
  fingerprint(doc: DraftContent[K]): string
  /** The object's name in plans and history. */
  nameOf(doc: DraftContent[K]): string
  /** Why the document cannot be sent as it is, or null. */
  invalid(doc: DraftContent[K]): string | null
  /** What sending it involves besides the document itself (e.g. a format conversion). */
  notes(doc: DraftContent[K]): string[]
  create(doc: DraftContent[K]): Promise<string>
  update(serverId: string, doc: DraftContent[K]): Promise<void>
  remove(serverId: string): Promise<void>
}
