// The resource configuration's pure rules: the one connection rule, the problems that block provisioning,
// reversible edits (undo applies the inverse changes and restores the document exactly), and the plan's diff.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyChanges,
  autoLayout,
  commands,
  connectProblem,
  costFieldProblem,
  diffResources,
  emptyResourceDoc,
  invertChanges,
  linkNameProblem,
  resourceFingerprint,
  resourceProblems,
  type ResourceCommand,
  type ResourceDoc
} from '../../shared/api'

function example(): ResourceDoc {
  let d = emptyResourceDoc()
  const run = (c: ResourceCommand) => (d = applyChanges(d, c.changes))
  run(commands.addPool(d, { id: 'bm', name: 'Bare Metal Low END GPUs', description: '', resources: 16 }))
  run(commands.addPool(d, { id: 'h100', name: 'H100 Half a Superpod', description: '', resources: 16 }))
  for (const [id, a] of [['half', 0.5], ['two', 2], ['four', 4], ['eight', 8]] as const) {
    run(commands.addProfile(d, { id, name: `${id}`, description: '', allotment: a, costField: null }))
  }
  run(commands.connect(d, 'four', 'bm', { id: 'l1', name: '4 GPU Low End' }))
  run(commands.connect(d, 'four', 'h100', { id: 'l2', name: '4 GPU H100' }))
  run(commands.connect(d, 'half', 'h100', { id: 'l3', name: 'Half H100' }))
  run(commands.connect(d, 'two', 'h100', { id: 'l4', name: '2 GPU H100' }))
  run(commands.connect(d, 'eight', 'h100', { id: 'l5', name: '8 GPU H100' }))
  return d
}

describe('rules', () => {
  it('a profile links to a pool once, and never to a pool smaller than one job', () => {
    const d = example()
    expect(connectProblem(d, 'four', 'bm')).toMatch(/already linked/)
    expect(connectProblem(d, 'half', 'bm')).toBeNull()
    expect(connectProblem(d, 'bm', 'four')).toMatch(/from a resource profile/)
    const small = applyChanges(d, commands.addPool(d, { id: 'tiny', name: 'Tiny', description: '', resources: 4 }).changes)
    expect(connectProblem(small, 'eight', 'tiny')).toMatch(/needs 8 resources per job; Tiny has only 4/)
    // the same rule holds for links that exist: shrinking a pool below a linked profile's allotment is a problem
    const shrunk = applyChanges(small, commands.updatePool(small, 'h100', { resources: 4 }).changes)
    expect(resourceProblems(shrunk)).toEqual([expect.objectContaining({ entity: 'link', id: 'l5', field: 'pool', message: 'eight needs 8 resources per job; H100 Half a Superpod has only 4' })])
  })

  it('link names are unique across the configuration (case and spaces ignored)', () => {
    const d = example()
    expect(linkNameProblem(d, ' 4 gpu low end ', null)).toMatch(/already used \(on four\)/)
    expect(linkNameProblem(d, '4 GPU Low End', 'l1')).toBeNull()
    expect(linkNameProblem(d, '', null)).toMatch(/Enter a name/)
    // connect refuses a duplicate name: nothing changes
    expect(commands.connect(d, 'half', 'bm', { id: 'x', name: '4 GPU Low End' }).changes).toEqual([])
  })

  it('dynamic capacity parameters start with runtime., hyperparams. or configuration.', () => {
    expect(costFieldProblem('runtime.gpus_request')).toBeNull()
    expect(costFieldProblem('hyperparams.Args.cost')).toBeNull()
    expect(costFieldProblem('gpus')).toMatch(/must start with/)
    expect(costFieldProblem('runtime.')).toMatch(/must start with/)
  })

  it('lists what blocks provisioning, at the field', () => {
    const d = example()
    expect(resourceProblems(d)).toEqual([])
    let bad = applyChanges(d, commands.updatePool(d, 'h100', { name: 'bare metal low end gpus', resources: 0 }).changes)
    bad = applyChanges(bad, commands.addProfile(bad, { id: 'p', name: 'Lonely', description: '', allotment: 0, costField: null }).changes)
    const problems = resourceProblems(bad)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: 'pool', id: 'h100', field: 'name' }),
        expect.objectContaining({ entity: 'pool', id: 'h100', field: 'resources' }),
        expect.objectContaining({ entity: 'profile', id: 'p', field: 'allotment' }),
        expect.objectContaining({ entity: 'profile', id: 'p', field: 'links', message: expect.stringMatching(/linked to no pool/) })
      ])
    )
  })
})

describe('reversible edits', () => {
  it('deleting a pool removes its links, and undo puts every link back in its place and order', () => {
    const d = example()
    const cmd = commands.removePool(d, 'h100')
    const after = applyChanges(d, cmd.changes)
    expect(after.pools.map((p) => p.id)).toEqual(['bm'])
    expect(after.profiles.find((p) => p.id === 'four')!.links.map((l) => l.id)).toEqual(['l1'])
    expect(resourceProblems(after).map((p) => p.id)).toEqual(expect.arrayContaining(['half', 'two', 'eight']))
    expect(applyChanges(after, invertChanges(cmd.changes))).toEqual(d)
  })

  it('reorders the three priority lists', () => {
    let d = example()
    d = applyChanges(d, commands.reorderPoolPriority(d, 'h100', 3, 0).changes)
    expect(d.pools[1].priority).toEqual(['l5', 'l2', 'l3', 'l4'])
    d = applyChanges(d, commands.reorderProfileLinks(d, 'four', 1, 0).changes)
    expect(d.profiles.find((p) => p.id === 'four')!.links.map((l) => l.pool)).toEqual(['h100', 'bm'])
    expect(diffResources(example(), d).filter((e) => e.entity === 'order').map((e) => e.name)).toEqual(['H100 Half a Superpod execution priority', 'four pool precedence'])
  })

  it('any sequence of edits undone in reverse restores the document exactly (property)', () => {
    const step = fc.oneof(
      fc.record({ t: fc.constant('addPool'), n: fc.integer({ min: 0, max: 5 }), r: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ t: fc.constant('addProfile'), n: fc.integer({ min: 0, max: 5 }), a: fc.constantFrom(0.5, 1, 2, 4) }),
      fc.record({ t: fc.constant('connect'), a: fc.integer({ min: 0, max: 9 }), b: fc.integer({ min: 0, max: 9 }), n: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ t: fc.constant('remove'), a: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ t: fc.constant('reorder'), a: fc.integer({ min: 0, max: 9 }), from: fc.integer({ min: 0, max: 4 }), to: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ t: fc.constant('move'), a: fc.integer({ min: 0, max: 9 }), x: fc.integer({ min: -500, max: 500 }) })
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let doc = example()
        const start = doc
        const done: ResourceCommand[] = []
        let k = 0
        for (const s of steps) {
          k++
          const pools = doc.pools
          const profiles = doc.profiles
          let cmd: ResourceCommand
          if (s.t === 'addPool') cmd = commands.addPool(doc, { id: `np${k}`, name: `Pool ${k}`, description: '', resources: s.r })
          else if (s.t === 'addProfile') cmd = commands.addProfile(doc, { id: `nf${k}`, name: `Profile ${k}`, description: '', allotment: s.a, costField: null })
          else if (s.t === 'connect') {
            if (!profiles.length || !pools.length) continue
            cmd = commands.connect(doc, profiles[s.a % profiles.length].id, pools[s.b % pools.length].id, { id: `nl${k}`, name: `Link ${s.n}` })
          } else if (s.t === 'remove') {
            const all = [...pools.map((p) => ['pool', p.id]), ...profiles.map((p) => ['profile', p.id])]
            if (!all.length) continue
            const [kind, id] = all[s.a % all.length]
            cmd = kind === 'pool' ? commands.removePool(doc, id) : commands.removeProfile(doc, id)
          } else if (s.t === 'reorder') {
            if (!pools.length) continue
            cmd = commands.reorderPoolPriority(doc, pools[s.a % pools.length].id, s.from, s.to)
          } else {
            if (!pools.length) continue
            cmd = commands.place(doc, { [pools[s.a % pools.length].id]: { x: s.x, y: 0 } })
          }
          doc = applyChanges(doc, cmd.changes)
          done.push(cmd)
          // the editor's invariants hold after every edit
          expect(resourceProblems(doc).filter((p) => p.field === 'priority' || p.field === 'pool')).toEqual([])
        }
        for (const c of done.reverse()) doc = applyChanges(doc, invertChanges(c.changes))
        expect(doc).toEqual(start)
      }),
      { numRuns: 200 }
    )
  })
})

describe('plan diff', () => {
  it('names added, changed and removed pools, profiles and links', () => {
    const base = example()
    let mine = applyChanges(base, commands.updatePool(base, 'bm', { resources: 24 }).changes)
    mine = applyChanges(mine, commands.removeProfile(mine, 'eight').changes)
    mine = applyChanges(mine, commands.addPool(mine, { id: 'aws', name: 'AWS', description: '', resources: 8 }).changes)
    const diff = diffResources(base, mine)
    expect(diff).toEqual(
      expect.arrayContaining([
        { entity: 'pool', action: 'changed', id: 'bm', name: 'Bare Metal Low END GPUs', details: ['resources 16 → 24'] },
        { entity: 'pool', action: 'added', id: 'aws', name: 'AWS', details: ['8 resources'] },
        expect.objectContaining({ entity: 'profile', action: 'removed', id: 'eight' }),
        expect.objectContaining({ entity: 'link', action: 'removed', id: 'l5' })
      ])
    )
    expect(diffResources(base, base)).toEqual([])
    // positions are not part of what is provisioned
    const moved = applyChanges(base, commands.place(base, autoLayout(base)).changes)
    expect(resourceFingerprint(moved)).toBe(resourceFingerprint(base))
  })
})
