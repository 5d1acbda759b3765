// Navigation: vue-router with hash history, so every screen and every object has a deep link that survives
// a reload (#/profile, #/connections/<id>). Routes come from sections.ts: the shell never lists screens.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { sections, type Section, type SectionId } from './sections'
import NotBuilt from './components/NotBuilt.vue'

declare module 'vue-router' {
  interface RouteMeta {
    section?: Section
  }
}

const sectionOf = (id: SectionId) => sections.find((s) => s.id === id)!

const sectionRoutes: RouteRecordRaw[] = sections.map((s) =>
  s.component
    ? { path: `/${s.id}`, name: s.id, component: s.component, meta: { section: s } }
    : { path: `/${s.id}`, name: s.id, component: NotBuilt, props: { section: s }, meta: { section: s } }
)

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: { render: () => null } },
  ...sectionRoutes,
  // Objects: a saved connection opens its edit form.
  {
    path: '/connections/:id',
    name: 'connection',
    component: sections.find((s) => s.id === 'connections')!.component!,
    meta: { section: sections.find((s) => s.id === 'connections') }
  },
  // Vaults: the activity log, a draft by its id (a new vault), a server vault by its id.
  { path: '/admin-vaults/effective', name: 'vault-effective', component: () => import('./features/vaults/EffectiveConfigView.vue'), meta: { section: sectionOf('admin-vaults') } },
  { path: '/admin-vaults/log', name: 'vault-log', component: () => import('./features/vaults/VaultLogView.vue'), meta: { section: sectionOf('admin-vaults') } },
  { path: '/admin-vaults/draft/:draftId', name: 'vault-draft', component: () => import('./features/vaults/VaultEditView.vue'), meta: { section: sectionOf('admin-vaults') } },
  { path: '/admin-vaults/:id', name: 'vault', component: () => import('./features/vaults/VaultEditView.vue'), meta: { section: sectionOf('admin-vaults') } },
  // Configuration: the Storage Cleanup tab and its providers' forms (one screen: the section's component reads the path).
  { path: '/configuration/storage', name: 'configuration-storage', component: sectionOf('configuration').component!, meta: { section: sectionOf('configuration') } },
  { path: '/configuration/storage/:provider(aws|google|azure)', name: 'configuration-storage-provider', component: sectionOf('configuration').component!, meta: { section: sectionOf('configuration') } },
  // Resource configuration: the editor, and the tabs (one screen: the section's component reads the path).
  ...(
    [
      ['resource-configuration-edit', 'edit'],
      ['resource-configuration-policies', 'policies'],
      ['resource-configuration-policy', 'policies/:id'],
      ['resource-configuration-utilisation', 'utilisation'],
      ['resource-configuration-preview', 'preview']
    ] as const
  ).map(([name, sub]): RouteRecordRaw => ({
    path: `/resource-configuration/${sub}`,
    name,
    component: sectionOf('resource-configuration').component!,
    meta: { section: sectionOf('resource-configuration') }
  })),
  { path: '/:rest(.*)*', redirect: '/' }
]

export const router = createRouter({ history: createWebHashHistory(), routes })

// The console reopens where it was: the last screen (and object) is kept, and a start without an address
// in the URL goes back there (AppShell's landing decision).
const LAST_ROUTE_KEY = 'clearml-console.last-route'
router.afterEach((to) => {
  if (to.name === 'home') return
  try {
    localStorage.setItem(LAST_ROUTE_KEY, to.fullPath)
  } catch {
    /* storage disabled: the console lands on its default screen */
  }
})
export function lastRoute(): string | null {
  try {
    const v = localStorage.getItem(LAST_ROUTE_KEY)
    return v && v.startsWith('/') && router.resolve(v).name !== undefined ? v : null
  } catch {
    return null
  }
}

/** The section of the current route, or null (home, before the landing decision). */
export function currentSection(): SectionId | null {
  return router.currentRoute.value.meta.section?.id ?? null
}

let focusHeading = false
/** Navigate; by default the new screen's heading then takes the focus (keyboard and screen-reader users). */
export function go(path: string, opts: { focus?: boolean } = {}): void {
  focusHeading = opts.focus ?? true
  void router.push(path)
}
/** Whether the navigation that just finished asked for the focus to move (asked once). */
export function takeFocusRequest(): boolean {
  const f = focusHeading
  focusHeading = false
  return f
}
