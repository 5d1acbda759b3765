// UI preferences kept in localStorage: the theme (auto follows the OS).
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

export type ThemePref = 'auto' | 'light' | 'dark'
const THEME_KEY = 'clearml-console.theme'

function load(): ThemePref {
  try {
    const v = localStorage.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' || v === 'auto' ? v : 'auto'
  } catch {
    return 'auto'
  }
}

export const usePrefsStore = defineStore('prefs', () => {
  const theme = ref<ThemePref>(load())
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  const osDark = ref(media.matches)
  media.addEventListener('change', (e) => (osDark.value = e.matches))

  const dark = computed(() => (theme.value === 'auto' ? osDark.value : theme.value === 'dark'))
  watch(theme, (v) => {
    try {
      localStorage.setItem(THEME_KEY, v)
    } catch {
      /* not persisted */
    }
  })
  watch(dark, (d) => (document.documentElement.dataset.theme = d ? 'dark' : 'light'), { immediate: true })

  function cycleTheme(): void {
    theme.value = theme.value === 'auto' ? 'light' : theme.value === 'light' ? 'dark' : 'auto'
  }
  return { theme, dark, osDark, cycleTheme }
})
