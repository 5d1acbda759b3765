// Drafts, plans and provisioning: the one mechanism every kind of server object goes through (vaults now,
// the resource configuration next, configuration as code later). Only the small provisioner per kind in
// the core knows how a kind talks to the server. Pure types and the plan's vocabulary, shared by all layers.
import type { ConfigFormat } from '../config/types'
import type { ResourceDoc } from './resources'
import type { VaultDoc } from './vaults'

/**
 * What a draft edits. `scratch` is the Config check text (no server object); `resources` is a server's whole
 * resource configuration (one object, server id `configuration`).
 */
export type DraftKind = 'vault' | 'resources' | 'scratch'
export const DRAFT_KINDS: readonly DraftKind[] = ['vault', 'resources', 'scratch']
/** The server id of the one resource configuration object. */
export const RESOURCE_CONFIGURATION_ID = 'configuration'

export interface ScratchDoc {
  text: string
  format: ConfigFormat
  adminVault: boolean
}

export interface DraftContent {
  vault: VaultDoc
  resources: ResourceDoc
  scratch: ScratchDoc
}

/** upsert: create (no serverId) or update; delete: remove the server object. */
export type DraftOp = 'upsert' | 'delete'

export interface Draft<K extends DraftKind = DraftKind> {
  id: string
  kind: K
  /** The connection whose server the draft is for; null for scratch. */
  connectionId: string | null
  /** The server object's id; null for an object the draft creates. */
  serverId: string | null
  name: string
  op: DraftOp
  content: DraftContent[K]
  /** The server's document when the draft started (or was rebased); null for a new object. */
  base: DraftContent[K] | null
  /**
   * The server's token for the base: the fingerprint of the fields that matter, plus the server's own
   * version when it gives one (then any write on the server counts as a change). It changed when it differs.
   */
  baseHash: string | null
  createdAt: number
  updatedAt: number
}

export type DraftSummary = Omit<Draft, 'content' | 'base'>

/** What applying a draft would do, found by comparing it with the server's current state. */
export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged' | 'conflict' | 'gone' | 'invalid'

export interface PlanItem<K extends DraftKind = DraftKind> {
  draftId: string
  kind: K
  serverId: string | null
  name: string
  action: PlanAction
  /** Why: the server changed since the base, the object was deleted meanwhile, the draft does not validate. */
  reason: string | null
  base: DraftContent[K] | null
  mine: DraftContent[K] | null
  /** The server's current document; null when it does not exist (new, or deleted meanwhile). */
  server: DraftContent[K] | null
  /** The server's token for `server` (fingerprint, and version when given): apply refuses when it moved. */
  serverHash: string | null
  /** What the provisioner will do besides sending the draft (e.g. "YAML is converted to HOCON for the SDK"). */
  notes: string[]
  /**
   * The server's own dry run of this change (asked for with `preview`): what else it would do, in words
   * (e.g. "queue dev-4gpu is deleted and its 4 pending jobs return to draft"). Null when not asked.
   */
  consequences: string[] | null
}

export interface Plan {
  connectionId: string
  createdAt: number
  items: PlanItem[]
}

export type ApplyResult = 'applied' | 'failed' | 'skipped'

export interface ApplyItemResult {
  draftId: string
  name: string
  action: PlanAction
  result: ApplyResult
  message: string
  serverId: string | null
}

export interface ApplyOutcome {
  runId: string
  items: ApplyItemResult[]
  applied: number
  failed: number
  skipped: number
}

/** Progress of an apply, pushed as the `drafts.progress` event. */
export interface ApplyProgress {
  runId: string
  done: number
  total: number
  item: ApplyItemResult | null
}

export interface HistoryChange {
  kind: DraftKind
  serverId: string | null
  name: string
  action: PlanAction
  result: ApplyResult
  message: string
  before: unknown
  after: unknown
}

export interface HistoryRun {
  id: string
  connectionId: string | null
  connectionName: string
  serverUrl: string
  appliedBy: string
  startedAt: number
  finishedAt: number | null
  applied: number
  failed: number
  skipped: number
  changes: HistoryChange[]
}
