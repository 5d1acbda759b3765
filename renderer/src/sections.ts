// The navigable sections of the console, in menu order. Each names the component that renders it, so the
// shell never grows with a new screen. Descriptions are one sentence from the Settings spec.
import type { Component } from 'vue'

export type SectionId =
  | 'connections'
  | 'config-check'
  | 'profile'
  | 'configuration'
  | 'workspace'
  | 'admin-vaults'
  | 'users-groups'
  | 'access-rules'
  | 'identity-providers'
  | 'resource-configuration'
  | 'usage-billing'

export interface Section {
  id: SectionId
  title: string
  group: 'user' | 'admin' | 'app'
  /** Only available on ClearML Enterprise servers. */
  enterprise?: boolean
  /** Only meaningful on the ClearML Hosted Service. */
  hosted?: boolean
  /** The screen (loaded when first opened); absent while the section is not built yet. */
  component?: () => Promise<Component | { default: Component }>
  description: string
}

export const sections: Section[] = [
  {
    id: 'profile',
    title: 'Profile',
    group: 'user',
    component: () => import('./features/profile/ProfileView.vue'),
    description: 'Your basic user information: name, user id, company and role.'
  },
  {
    id: 'configuration',
    title: 'Configuration',
    group: 'user',
    component: () => import('./features/configuration/ConfigurationView.vue'),
    description: 'Control general system behaviour settings and the storage access credentials the web app uses.'
  },
  {
    id: 'workspace',
    title: 'Workspace',
    group: 'user',
    component: () => import('./features/workspace/WorkspaceView.vue'),
    description:
      'Create and revoke the API credentials that ClearML and ClearML Agent use, and edit your personal configuration vault.'
  },
  {
    id: 'admin-vaults',
    title: 'Administrator Vaults',
    group: 'admin',
    enterprise: true,
    component: () => import('./features/vaults/AdminVaultsView.vue'),
    description: 'Manage configuration vaults that apply ClearML client settings to every member of chosen user groups.'
  },
  {
    id: 'users-groups',
    title: 'Users & Groups',
    group: 'admin',
    component: () => import('./features/users-groups/UsersGroupsView.vue'),
    description: 'Manage the users who have access to the workspace and the groups they belong to.'
  },
  {
    id: 'access-rules',
    title: 'Access Rules',
    group: 'admin',
    enterprise: true,
    component: () => import('./features/access-rules/AccessRulesView.vue'),
    description: 'Manage per-resource access privileges for users and groups.'
  },
  {
    id: 'identity-providers',
    title: 'Identity Providers',
    group: 'admin',
    enterprise: true,
    component: () => import('./features/identity-providers/IdentityProvidersView.vue'),
    description: 'Manage the identity providers users sign in with.'
  },
  {
    id: 'resource-configuration',
    title: 'Resource Configuration',
    group: 'admin',
    enterprise: true,
    component: () => import('./features/resources/ResourceConfigView.vue'),
    description: 'Define the available resources (pools and profiles) and how they are allocated to different workloads.'
  },
  {
    id: 'usage-billing',
    title: 'Usage & Billing',
    group: 'admin',
    component: () => import('./features/usage/UsageView.vue'),
    description: 'View the metered usage and estimated cost of the workspace (the Enterprise Analytics view) and the Hosted Service billing details.'
  },
  {
    id: 'connections',
    title: 'Connections',
    group: 'app',
    component: () => import('./features/connections/ConnectionsView.vue'),
    description: 'The ClearML servers this console knows, their credentials, and which one is active.'
  },
  {
    id: 'config-check',
    title: 'Config check',
    group: 'app',
    component: () => import('./features/config-check/ConfigCheckView.vue'),
    description: 'Check a clearml.conf or a configuration vault (HOCON, JSON or YAML) as you type, and convert between formats.'
  }
]

export function sectionById(id: SectionId): Section {
  return sections.find((s) => s.id === id)!
}
/** Order used for Alt+1..9 and Alt+0 shortcuts: the nine settings sections, then Connections on Alt+0. */
export const shortcutOrder: SectionId[] = sections.filter((s) => s.id !== 'connections').map((s) => s.id)
