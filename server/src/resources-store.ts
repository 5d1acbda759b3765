import type { Store } from './store'

/**
 * Storage for the enterprise resource configuration (see resources.ts for the model and services/resources.ts for
 * the endpoints). Per company, table `resource_state` holds two JSON documents: the published configuration and the
 * editing one (NULL = nobody saved edits, the editing configuration is the published one), plus the policy-manager
 * switch. Policies, their queues (policy-to-profile connections) and the tasks on those queues are rows.
 */

/** A profile-to-pool link. `queue_name` is the pool's correlated queue for the profile, assigned on publish. */
export interface LinkDoc { id: string; name: string; pool: string; queue_name: string | null }

export interface PoolDoc {
  id: string; name: string; description: string | null; resources: number
  /** The ids of the links pointing at this pool, in execution-priority order. */
  links: string[]
  /** Published only: resources in use by work outside the policy queues (seeded); live usage adds running tasks. */
  baseline?: number
  /** Published only. */
  updated?: string; updated_by?: string
}

export interface ProfileDoc {
  id: string; name: string; description: string | null; profile_cost: number; cost_field: string | null
  /** In pool-precedence order. */
  pool_links: LinkDoc[]
  /**
   * Editing only, when the client reordered the profile's policy connections: queue ids in policy-priority order.
   * Connections not listed (made later) follow in their current order; ids no longer connected are skipped.
   */
  policy_order?: string[]
  updated?: string; updated_by?: string
}

export interface ConfigDoc { pools: PoolDoc[]; profiles: ProfileDoc[] }

export interface ResourcePolicyRow {
  id: string; company: string; name: string; description: string | null; reservation: number; limit: number
  user_group: string; created: string
}

/** A policy-to-profile connection: a queue. `rank` orders a profile's connections (policy priority). */
export interface ResourceQueueRow {
  id: string; company: string; name: string; display_name: string | null; policy: string; profile: string; rank: number
  created: string
}

/** `queued` and `in_progress` tasks are on a queue; a dequeued task is `created` (draft) with no queue. */
export type TaskStatus = 'created' | 'queued' | 'in_progress' | 'completed' | 'stopped' | 'failed'

export interface ResourceTaskRow {
  id: string; company: string; name: string; status: TaskStatus; type: string; started: string | null; cost: number
  project_id: string | null; project_name: string | null; user_id: string | null; queue: string | null
  /** The pool an in_progress task runs in. */
  pool: string | null
}

/** Per queue: queued and running task counts and the cost of the running ones. */
export interface QueueFigures { queued: number; running: number; runningCost: number }

export class ResourceStore {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db
  }

  // --- configuration documents ------------------------------------------------------------------------------------
  state(company: string): { published: ConfigDoc; editing: ConfigDoc | null; policyManager: boolean } {
    const row = this.db.prepare('SELECT published, editing, policy_manager FROM resource_state WHERE company = ?').get(company) as
      { published: string; editing: string | null; policy_manager: number } | undefined
    if (!row) return { published: { pools: [], profiles: [] }, editing: null, policyManager: true }
    return {
      published: JSON.parse(row.published) as ConfigDoc, editing: row.editing === null ? null : JSON.parse(row.editing) as ConfigDoc,
      policyManager: row.policy_manager === 1
    }
  }
  hasState(company: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM resource_state WHERE company = ?').get(company)
  }
  private ensure(company: string): void {
    this.db.prepare(`INSERT OR IGNORE INTO resource_state (company, published, editing, policy_manager) VALUES (?, '{"pools":[],"profiles":[]}', NULL, 1)`).run(company)
  }
  /** Replaces the published configuration; the editing one is dropped (it equals the published one again). */
  setPublished(company: string, doc: ConfigDoc): void {
    this.ensure(company)
    this.db.prepare('UPDATE resource_state SET published = ?, editing = NULL WHERE company = ?').run(JSON.stringify(doc), company)
  }
  /** null: no edits (the editing configuration is the published one). */
  setEditing(company: string, doc: ConfigDoc | null): void {
    this.ensure(company)
    this.db.prepare('UPDATE resource_state SET editing = ? WHERE company = ?').run(doc === null ? null : JSON.stringify(doc), company)
  }
  setPolicyManager(company: string, enabled: boolean): void {
    this.ensure(company)
    this.db.prepare('UPDATE resource_state SET policy_manager = ? WHERE company = ?').run(enabled ? 1 : 0, company)
  }

  // --- policies ---------------------------------------------------------------------------------------------------
  /** In creation order. */
  policies(company: string): ResourcePolicyRow[] {
    return this.db.prepare('SELECT * FROM resource_policies WHERE company = ? ORDER BY rowid').all(company) as ResourcePolicyRow[]
  }
  policy(company: string, id: string): ResourcePolicyRow | undefined {
    return this.db.prepare('SELECT * FROM resource_policies WHERE company = ? AND id = ?').get(company, id) as ResourcePolicyRow | undefined
  }
  insertPolicy(p: ResourcePolicyRow): void {
    this.db.prepare(`INSERT INTO resource_policies (id, company, name, description, reservation, "limit", user_group, created)
      VALUES (@id, @company, @name, @description, @reservation, @limit, @user_group, @created)`).run(p)
  }
  updatePolicy(company: string, id: string, fields: Partial<Pick<ResourcePolicyRow, 'name' | 'description' | 'reservation' | 'limit' | 'user_group'>>): void {
    const keys = Object.keys(fields)
    if (!keys.length) return
    this.db.prepare(`UPDATE resource_policies SET ${keys.map((k) => `"${k}" = @${k}`).join(', ')} WHERE company = @company AND id = @id`)
      .run({ ...fields, company, id })
  }
  deletePolicy(company: string, id: string): number {
    return this.db.prepare('DELETE FROM resource_policies WHERE company = ? AND id = ?').run(company, id).changes
  }

  // --- queues (policy connections) --------------------------------------------------------------------------------
  /** Grouped by profile, each profile's in policy-priority order. */
  queues(company: string): ResourceQueueRow[] {
    return this.db.prepare('SELECT * FROM resource_queues WHERE company = ? ORDER BY profile, rank, rowid').all(company) as ResourceQueueRow[]
  }
  /** By id alone, whatever the company (test hooks). */
  findQueue(id: string): ResourceQueueRow | undefined {
    return this.db.prepare('SELECT * FROM resource_queues WHERE id = ?').get(id) as ResourceQueueRow | undefined
  }
  queue(company: string, id: string): ResourceQueueRow | undefined {
    return this.db.prepare('SELECT * FROM resource_queues WHERE company = ? AND id = ?').get(company, id) as ResourceQueueRow | undefined
  }
  /** In connection order. */
  queuesOfPolicy(company: string, policy: string): ResourceQueueRow[] {
    return this.db.prepare('SELECT * FROM resource_queues WHERE company = ? AND policy = ? ORDER BY rowid').all(company, policy) as ResourceQueueRow[]
  }
  /** One past the profile's last connection. */
  nextRank(company: string, profile: string): number {
    const r = this.db.prepare('SELECT MAX(rank) AS m FROM resource_queues WHERE company = ? AND profile = ?').get(company, profile) as { m: number | null }
    return (r.m ?? -1) + 1
  }
  insertQueue(q: ResourceQueueRow): void {
    this.db.prepare(`INSERT INTO resource_queues (id, company, name, display_name, policy, profile, rank, created)
      VALUES (@id, @company, @name, @display_name, @policy, @profile, @rank, @created)`).run(q)
  }
  setQueueRank(company: string, id: string, rank: number): void {
    this.db.prepare('UPDATE resource_queues SET rank = ? WHERE company = ? AND id = ?').run(rank, company, id)
  }
  /**
   * Deletes queues. Their queued tasks go back to `created` (draft) with no queue; tasks already running keep
   * running (they still count in their pool's usage) but belong to no queue any more. Returns the dequeued count.
   */
  deleteQueues(company: string, ids: readonly string[]): number {
    let dequeued = 0
    const dequeue = this.db.prepare(`UPDATE resource_tasks SET status = 'created', queue = NULL WHERE company = ? AND queue = ? AND status = 'queued'`)
    const detach = this.db.prepare('UPDATE resource_tasks SET queue = NULL WHERE company = ? AND queue = ?')
    const del = this.db.prepare('DELETE FROM resource_queues WHERE company = ? AND id = ?')
    for (const id of ids) {
      dequeued += dequeue.run(company, id).changes
      detach.run(company, id)
      del.run(company, id)
    }
    return dequeued
  }

  // --- tasks ------------------------------------------------------------------------------------------------------
  insertTask(t: ResourceTaskRow): void {
    this.db.prepare(`INSERT INTO resource_tasks (id, company, name, status, type, started, cost, project_id, project_name, user_id, queue, pool)
      VALUES (@id, @company, @name, @status, @type, @started, @cost, @project_id, @project_name, @user_id, @queue, @pool)`).run(t)
  }
  /** By id alone, whatever the company (test hooks). */
  findTask(id: string): ResourceTaskRow | undefined {
    return this.db.prepare('SELECT * FROM resource_tasks WHERE id = ?').get(id) as ResourceTaskRow | undefined
  }
  /** The queued and in_progress tasks of the queues: running first, then queued, each in creation order. */
  activeTasksOfQueues(company: string, queueIds: readonly string[]): ResourceTaskRow[] {
    const stmt = this.db.prepare(`SELECT * FROM resource_tasks WHERE company = ? AND queue = ? AND status IN ('queued', 'in_progress') ORDER BY rowid`)
    const all = queueIds.flatMap((q) => stmt.all(company, q) as ResourceTaskRow[])
    return [...all.filter((t) => t.status === 'in_progress'), ...all.filter((t) => t.status === 'queued')]
  }
  /** Queued tasks back to `created` with no queue. Returns how many changed. */
  dequeueTasks(company: string, ids: readonly string[]): number {
    const stmt = this.db.prepare(`UPDATE resource_tasks SET status = 'created', queue = NULL WHERE company = ? AND id = ? AND status = 'queued'`)
    let n = 0
    for (const id of ids) n += stmt.run(company, id).changes
    return n
  }
  /** Live figures, in two queries: per queue (queued/running counts, running cost) and per pool (running cost). */
  liveFigures(company: string): { byQueue: Map<string, QueueFigures>; poolCost: Map<string, number> } {
    const byQueue = new Map<string, QueueFigures>()
    const rows = this.db.prepare(`SELECT queue, SUM(status = 'queued') AS queued, SUM(status = 'in_progress') AS running,
        TOTAL(CASE WHEN status = 'in_progress' THEN cost END) AS cost
      FROM resource_tasks WHERE company = ? AND queue IS NOT NULL AND status IN ('queued', 'in_progress') GROUP BY queue`).all(company) as
      Array<{ queue: string; queued: number; running: number; cost: number }>
    for (const r of rows) byQueue.set(r.queue, { queued: r.queued, running: r.running, runningCost: r.cost })
    const poolCost = new Map<string, number>()
    const pools = this.db.prepare(`SELECT pool, TOTAL(cost) AS cost FROM resource_tasks
      WHERE company = ? AND status = 'in_progress' AND pool IS NOT NULL GROUP BY pool`).all(company) as Array<{ pool: string; cost: number }>
    for (const r of pools) poolCost.set(r.pool, r.cost)
    return { byQueue, poolCost }
  }
}
