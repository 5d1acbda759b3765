// Icons the User Settings screens need beyond the shared set (same style: 24x24, stroke = currentColor).
import { defineComponent, h } from 'vue'

function icon(name: string, paths: string[]) {
  return defineComponent({
    name,
    setup() {
      return () =>
        h(
          'svg',
          { viewBox: '0 0 24 24', width: '1em', height: '1em', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' },
          paths.map((d) => h('path', { d }))
        )
    }
  })
}

export const IconInfo = icon('IconInfo', ['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z', 'M12 16v-4', 'M12 8h.01'])
export const IconWarning = icon('IconWarning', ['M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z', 'M12 9v4', 'M12 17h.01'])
export const IconAlert = icon('IconAlert', ['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z', 'M12 8v4', 'M12 16h.01'])
export const IconLock = icon('IconLock', ['M5 11h14v10H5z', 'M8 11V7a4 4 0 0 1 8 0v4'])
export const IconArrowLeft = icon('IconArrowLeft', ['M19 12H5', 'M12 19l-7-7 7-7'])
export const IconUpload = icon('IconUpload', ['M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'M17 8l-5-5-5 5', 'M12 3v12'])
export const IconCloud = icon('IconCloud', ['M18 10h-1.3A8 8 0 1 0 9 20h9a5 5 0 0 0 0-10Z'])
export const IconKey = icon('IconKey', ['M21 2l-2 2', 'M15.5 7.5l3 3L22 7l-3-3', 'M11.4 11.6a5.5 5.5 0 1 1-7.8 7.8 5.5 5.5 0 0 1 7.8-7.8Z', 'M11.4 11.6 19 4'])
export const IconLogout = icon('IconLogout', ['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'])
export const IconSwitch = icon('IconSwitch', ['M16 3l4 4-4 4', 'M20 7H4', 'M8 21l-4-4 4-4', 'M4 17h16'])
export const IconMail = icon('IconMail', ['M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Z', 'M22 6l-10 7L2 6'])
export const IconClock = icon('IconClock', ['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z', 'M12 6v6l4 2'])
