// A large resource configuration for benches: `pools` pools, `profiles` profiles and `links` links in all
// (each profile links to a few pools, round robin), laid out automatically. Deterministic.
import { autoLayout, type ResourceDoc, type ResourcePool, type ResourceProfile } from '../shared/api/index.ts'

export function largeResourceDoc(pools = 300, profiles = 1000, links = 3000, prefix = 'bench'): ResourceDoc {
  const poolList: ResourcePool[] = Array.from({ length: pools }, (_, i) => ({
    id: `${prefix}-pool-${i}`,
    name: `Pool ${String(i).padStart(3, '0')}`,
    description: i % 10 === 0 ? `Rack ${i / 10}` : '',
    resources: 8 * (1 + (i % 4)),
    priority: []
  }))
  const profileList: ResourceProfile[] = Array.from({ length: profiles }, (_, i) => ({
    id: `${prefix}-profile-${i}`,
    name: `Profile ${String(i).padStart(4, '0')}`,
    description: '',
    allotment: [0.5, 1, 2, 4][i % 4],
    costField: i % 25 === 0 ? 'runtime.gpus_request' : null,
    links: [],
    policyOrder: []
  }))
  for (let n = 0; n < links; n++) {
    const prof = profileList[n % profiles]
    const k = prof.links.length
    const pool = poolList[(n % profiles + k * 7) % pools]
    if (prof.links.some((l) => l.pool === pool.id)) continue
    const id = `${prefix}-link-${n}`
    prof.links.push({ id, name: `${prof.name} → ${pool.name}`, pool: pool.id, queueName: null })
    pool.priority.push(id)
  }
  const doc: ResourceDoc = { pools: poolList, profiles: profileList, layout: {} }
  doc.layout = autoLayout(doc)
  return doc
}
