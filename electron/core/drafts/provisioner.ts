// The only kind-specific part of drafts → plan → apply: how one kind of object is read from and written to
// the server. Everything else (storage, plan, conflicts, apply, progress, history) is the engine's.
import type { DraftContent, DraftKind } from '../../../shared/api'

/** A server object as the server has it now, with the server's version when it gives one. */
export interface ServerCopy<K extends DraftKind> {
  doc: DraftContent[K]
  version: string | null
  /**
   * Edits saved on the server but not yet applied, for kinds whose server keeps them (the resource
   * configuration's editor): a new draft starts from them, and someone else's block provisioning.
   */
  pending?: DraftContent[K]
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
  /** Sends the document; may return what happened in words when it is worth saying (e.g. a lost answer checked). */
  update(serverId: string, doc: DraftContent[K]): Promise<void | string>
  remove(serverId: string): Promise<void>
  /** Why the draft must not be sent now although its base is current (e.g. someone else's saved edits), or null. */
  blocked?(mine: DraftContent[K], copy: ServerCopy<K>): string | null
  /** The user has seen the server's copy (resolved a conflict): what blocked sending no longer does. */
  acknowledge?(copy: ServerCopy<K>): void
  /** The server's own dry run of sending `doc`, in words (asked for by the review before provisioning). */
  preview?(doc: DraftContent[K], signal?: AbortSignal): Promise<string[]>
  /** Rebase: my changes since `base` over the server's version (default: field by field at the top level). */
  merge?(base: DraftContent[K], mine: DraftContent[K], server: DraftContent[K]): DraftContent[K]
  /** The object as last read from the server (the cache), so a draft can be started offline; null when unknown. */
  offline?(serverId: string): ServerCopy<K> | null
}
