// The effective-access explainer and the rule form (shared/domain/access-rules.ts), pure: the spec's inheritance
// (a project rule reaches its subprojects and their contents; a rule on one task reaches no other), "*" rules, the
// top level, groups, admins, RBAC off, the strongest rule winning; the "everyone" coverage; field messages.
import { describe, expect, it } from 'vitest'
import {
  ASSIGNEE_REQUIRED,
  TYPE_REQUIRED,
  coverage,
  defaultRuleName,
  describeGrant,
  disagreement,
  explainAccess,
  matchesFilter,
  ruleErrors,
  targetLabel,
  typesClosedToEveryone,
  type AccessRule,
  type ExplainResource,
  type Subject
} from '../../shared/domain/access-rules'

let n = 0
const rule = (o: Partial<AccessRule>): AccessRule => ({
  id: `r${++n}`, name: `rule ${n}`, description: '', entityType: 'project', entityId: '*', entityName: null, access: 'read', groups: [], users: [],
  autocreated: false, ...o
})
const EVERYONE = { id: 'g-users', name: 'Users' }
const ML = { id: 'g-ml', name: 'ML Team' }
const alice: Subject = { id: 'u-alice', name: 'Alice', role: 'user', groups: [EVERYONE, ML] }
const dev = { id: 'p-dev', name: 'Dev' }
const vision = { id: 'p-vision', name: 'Dev/Vision' }
const visionTask: ExplainResource = { type: 'task', id: 't-1', name: 'train', projects: [vision, dev], topLevel: false }
const otherTask: ExplainResource = { type: 'task', id: 't-2', name: 'train', projects: [vision, dev], topLevel: false }
const visionProject: ExplainResource = { type: 'project', id: vision.id, name: vision.name, projects: [vision, dev], topLevel: false }
const devProject: ExplainResource = { type: 'project', id: dev.id, name: dev.name, projects: [dev], topLevel: true }
const queue: ExplainResource = { type: 'queue', id: 'q-gpu', name: 'GPU queue', projects: [], topLevel: true }

describe('coverage: the spec inheritance', () => {
  it('a project rule reaches the project, its subprojects and their contents, at any depth', () => {
    const r = rule({ entityType: 'project', entityId: dev.id })
    expect(coverage(r, devProject)).toEqual({ match: 'direct', via: null })
    expect(coverage(r, visionProject)).toEqual({ match: 'project', via: dev })
    expect(coverage(r, visionTask)).toEqual({ match: 'project', via: dev })
  })
  it('a rule on one task reaches no other task of the project; "*" of a type reaches all of it', () => {
    const one = rule({ entityType: 'task', entityId: 't-1' })
    expect(coverage(one, visionTask)?.match).toBe('direct')
    expect(coverage(one, otherTask)).toBeNull()
    expect(coverage(rule({ entityType: 'task', entityId: '*' }), otherTask)?.match).toBe('all')
    expect(coverage(rule({ entityType: 'model', entityId: '*' }), otherTask)).toBeNull()
  })
  it('all projects reach the contents; the top-level rule reaches top-level projects only, not their contents', () => {
    expect(coverage(rule({ entityType: 'project', entityId: '*' }), visionTask)?.match).toBe('all')
    const top = rule({ entityType: 'project', entityId: null })
    expect(coverage(top, devProject)?.match).toBe('top_level')
    expect(coverage(top, visionProject)).toBeNull()
    expect(coverage(top, visionTask)).toBeNull()
    expect(coverage(top, { type: 'task', id: 't-loose', name: null, projects: [], topLevel: true })?.match).toBe('top_level')
  })
  it('queues, dataviews and categories follow only rules of their own type', () => {
    expect(coverage(rule({ entityType: 'project', entityId: '*' }), queue)).toBeNull()
    expect(coverage(rule({ entityType: 'queue', entityId: 'q-gpu' }), queue)?.match).toBe('direct')
    expect(coverage(rule({ entityType: 'queue', entityId: 'q-cpu' }), queue)).toBeNull()
  })
})

describe('explainAccess', () => {
  it('the strongest covering rule given to the person or their groups decides, with the path', () => {
    const rules = [
      rule({ name: 'Everyone reads projects', entityId: '*', groups: [EVERYONE] }),
      rule({ name: 'ML owns Dev', entityId: dev.id, access: 'read_write', groups: [ML] }),
      rule({ name: 'Bob owns Vision', entityId: vision.id, access: 'read_write', users: [{ id: 'u-bob', name: 'Bob', email: null }] })
    ]
    const x = explainAccess({ rules, subject: alice, resource: visionTask, requested: 'read_write' })
    expect(x).toMatchObject({ verdict: 'read_write', allowed: true, reason: 'rule', others: 1 })
    expect(x.grants.map((g) => g.rule.name)).toEqual(['ML owns Dev', 'Everyone reads projects'])
    expect(x.grants[0]).toMatchObject({ match: 'project', viaProject: dev, through: [{ kind: 'group', name: 'ML Team' }] })
    expect(describeGrant(x.grants[0], visionTask)).toBe('Read & Modify — “ML owns Dev” on the project Dev, through the group ML Team')
    expect(describeGrant(x.grants[0], visionProject)).toContain('on the parent project Dev')
  })
  it('read only when asked to modify: insufficient; nothing: no_rule', () => {
    const rules = [rule({ entityId: '*', groups: [EVERYONE] })]
    expect(explainAccess({ rules, subject: alice, resource: visionTask, requested: 'read_write' })).toMatchObject({ verdict: 'read', allowed: false, reason: 'insufficient' })
    expect(explainAccess({ rules, subject: alice, resource: queue })).toMatchObject({ verdict: 'none', allowed: false, reason: 'no_rule', grants: [] })
  })
  it('a rule naming the person directly, and through a group too', () => {
    const r = rule({ entityType: 'queue', entityId: 'q-gpu', users: [{ id: alice.id, name: 'Alice', email: null }], groups: [ML] })
    const x = explainAccess({ rules: [r], subject: alice, resource: queue })
    expect(x.grants[0].through.map((t) => t.kind)).toEqual(['user', 'group'])
    expect(describeGrant(x.grants[0], queue)).toBe(`Read Only — “${r.name}” on this object, assigned by name and through the group ML Team`)
  })
  it('administrators and RBAC off: everything, whatever the rules', () => {
    expect(explainAccess({ rules: [], subject: { ...alice, role: 'admin' }, resource: queue, requested: 'read_write' })).toMatchObject({ verdict: 'read_write', reason: 'admin' })
    expect(explainAccess({ rules: [], subject: alice, resource: queue, permissionsEnabled: false })).toMatchObject({ allowed: true, reason: 'permissions_disabled' })
  })
  it('disagreement with the server is a sentence; agreement is null', () => {
    const x = explainAccess({ rules: [], subject: alice, resource: queue })
    expect(disagreement(x, { allowed: false, verdict: 'none' })).toBeNull()
    expect(disagreement(x, { allowed: true, verdict: 'read' })).toMatch(/server says Read Only/)
    expect(disagreement(x, null)).toBeNull()
  })
})

describe('everyone coverage, labels, filters, the form', () => {
  it('lists the types no "*" rule opens to the Users group (projects cover their contents)', () => {
    expect(typesClosedToEveryone([], EVERYONE.id)).toEqual(['project', 'task', 'model', 'dataview', 'dataset', 'queue'])
    const rules = [rule({ entityId: '*', groups: [EVERYONE] }), rule({ entityType: 'queue', entityId: 'q-gpu', groups: [EVERYONE] })]
    expect(typesClosedToEveryone(rules, EVERYONE.id)).toEqual(['dataview', 'queue'])
    expect(typesClosedToEveryone([...rules, rule({ entityType: 'queue', entityId: '*', groups: [EVERYONE] }), rule({ entityType: 'dataview', entityId: '*', groups: [EVERYONE] })], EVERYONE.id)).toEqual([])
  })
  it('targets read as people say them; a gone object says so', () => {
    expect(targetLabel(rule({ entityId: '*' }))).toBe('All projects')
    expect(targetLabel(rule({ entityId: null }))).toBe('Top-level projects')
    expect(targetLabel(rule({ entityType: 'task', entityId: 't-9' }))).toBe('t-9 (no longer exists)')
    expect(targetLabel(rule({ entityType: 'app_category', entityId: 'Notebooks' }))).toBe('Notebooks')
    expect(defaultRuleName('task', 't-1', 'train')).toBe('Tasks: train')
  })
  it('filters by type, target and assignee (user or group)', () => {
    const r = rule({ entityType: 'queue', entityId: 'q-gpu', groups: [ML] })
    expect(matchesFilter(r, { type: 'queue', target: 'q-gpu', assignee: ML.id })).toBe(true)
    expect(matchesFilter(r, { type: 'project' })).toBe(false)
    expect(matchesFilter(r, { assignee: 'u-x' })).toBe(false)
    expect(matchesFilter(rule({ entityId: null }), { target: '(top)' })).toBe(true)
  })
  it('field errors: a resource type and at least one assignee, both at once', () => {
    expect(ruleErrors({})).toMatchObject({ entityType: TYPE_REQUIRED, assignees: ASSIGNEE_REQUIRED })
    expect(ruleErrors({ entityType: 'task', entityId: '', users: ['u'] })).toEqual({ entityId: 'Choose an object, or “All”' })
    expect(ruleErrors({ entityType: 'queue', entityId: null, groups: ['g'] })).toEqual({ entityId: 'Only project rules can name the top level' })
    expect(ruleErrors({ entityType: 'queue', entityId: '*', groups: ['g'] })).toEqual({})
  })
})
