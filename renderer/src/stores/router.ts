// A tiny hash router: sections are addressable as #/profile, #/connections, ...
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { isSectionId, sectionById, type SectionId } from '../sections'

function parse(hash: string): SectionId | null {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? ''
  return isSectionId(id) ? id : null
}

export const useRouterStore = defineStore('router', () => {
  /** null until the app decides where to land (first run goes to Connections). */
  const current = ref<SectionId | null>(parse(location.hash))
  const explicit = current.value !== null

  function go(id: SectionId, opts: { replace?: boolean } = {}): void {
    const hash = `#/${id}`
    if (location.hash !== hash) {
      if (opts.replace) history.replaceState(history.state, '', hash)
      else location.hash = hash
    }
    current.value = id
  }

  window.addEventListener('hashchange', () => {
    const id = parse(location.hash)
    if (id) current.value = id
    else if (current.value) history.replaceState(history.state, '', `#/${current.value}`)
  })

  const section = computed(() => (current.value ? sectionById(current.value) : null))
  return { current, section, go, /** The URL named a section when the app started. */ explicit }
})
