// What a card may ask of the graph around it (menus, the pool panel, reordering, disconnecting). Provided once
// by ResourceGraph and injected by the cards, so a card needs no per-card props or listeners beyond its data.
import type { InjectionKey, Ref } from 'vue'

export interface GraphActions {
  /** Editor mode: cards can be changed. */
  editable: Readonly<Ref<boolean>>
  /** While a link is being dragged from a profile: that profile's id. */
  connectingFrom: Readonly<Ref<string | null>>
  /** Why the profile cannot link to the pool (the one connection rule), or null. */
  connectProblem(profileId: string, poolId: string): string | null
  openMenu(cardId: string, anchor: HTMLElement): void
  showPoolInfo(poolId: string, anchor: HTMLElement): void
  openPolicies(profileId: string): void
  disconnect(linkId: string): void
  reorderPriority(poolId: string, from: number, to: number): void
  reorderLinks(profileId: string, from: number, to: number): void
}

export const GRAPH_ACTIONS: InjectionKey<GraphActions> = Symbol('resource-graph-actions')
