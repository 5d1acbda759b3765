// Figures derived from a policy's details, pure (the panels, the allocation scenario and their tests use them).
import type { PolicyDetails } from '@shared/api'

/** Jobs waiting on a policy's queues: its tasks with status queued. */
export function pendingJobs(d: PolicyDetails): number {
  return d.tasks.reduce((n, t) => n + (t.status === 'queued' ? 1 : 0), 0)
}

/** A policy's queued jobs on one of its connections (queue). */
export interface ConnectionQueue {
  count: number
  /** The tasks' costs, in order (their allotments). */
  costs: number[]
  /** False when some task could have been on another of the policy's queues (see queuedByConnection). */
  exact: boolean
}

/**
 * The policy's queued tasks per connection (queue id). The server lists a policy's tasks without their queue,
 * and a connection's queued/running figures are the profile's (across all its policies), so a task goes to the
 * one connection whose allotment equals its cost (a dynamic profile takes any cost); when none or several
 * match, to the first candidate, and the split is marked inexact. With one connection it is always exact.
 */
export function queuedByConnection(d: PolicyDetails): Map<string, ConnectionQueue> {
  const out = new Map<string, ConnectionQueue>(d.profiles.map((p) => [p.queue.id, { count: 0, costs: [], exact: true }]))
  if (!d.profiles.length) return out
  for (const t of d.tasks) {
    if (t.status !== 'queued') continue
    const candidates = d.profiles.filter((p) => p.costField || Math.abs(p.allotment - t.cost) < 1e-9)
    const to = candidates[0] ?? d.profiles[0]
    const q = out.get(to.queue.id)!
    q.count++
    q.costs.push(t.cost)
    if (candidates.length !== 1 && d.profiles.length > 1) q.exact = false
  }
  return out
}

/** "1 job", "3 jobs". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
