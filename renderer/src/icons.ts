// A few inline SVG icons (no icon font or CDN: the app works offline). 24x24, stroke = currentColor.
import { defineComponent, h } from 'vue'

function icon(name: string, paths: string[]) {
  return defineComponent({
    name,
    setup() {
      return () =>
        h(
          'svg',
          {
            viewBox: '0 0 24 24',
            width: '1em',
            height: '1em',
            fill: 'none',
            stroke: 'currentColor',
            'stroke-width': 2,
            'stroke-linecap': 'round',
            'stroke-linejoin': 'round',
            'aria-hidden': 'true'
          },
          paths.map((d) => h('path', { d }))
        )
    }
  })
}

export const IconPencil = icon('IconPencil', ['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z'])
export const IconCheck = icon('IconCheck', ['M20 6 9 17l-5-5'])
export const IconClose = icon('IconClose', ['M18 6 6 18', 'M6 6l12 12'])
export const IconCopy = icon('IconCopy', ['M9 9h11v11H9z', 'M5 15H4V4h11v1'])
export const IconPlus = icon('IconPlus', ['M12 5v14', 'M5 12h14'])
export const IconRefresh = icon('IconRefresh', ['M21 12a9 9 0 1 1-3-6.7L21 8', 'M21 3v5h-5'])
export const IconSun = icon('IconSun', ['M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10Z', 'M12 1v2', 'M12 21v2', 'M4.2 4.2l1.4 1.4', 'M18.4 18.4l1.4 1.4', 'M1 12h2', 'M21 12h2', 'M4.2 19.8l1.4-1.4', 'M18.4 5.6l1.4-1.4'])
export const IconMoon = icon('IconMoon', ['M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8Z'])
export const IconAuto = icon('IconAuto', ['M12 3a9 9 0 1 0 0 18Z', 'M12 3a9 9 0 0 1 0 18'])
export const IconKeyboard = icon('IconKeyboard', ['M2 6h20v12H2z', 'M6 10h.01', 'M10 10h.01', 'M14 10h.01', 'M18 10h.01', 'M7 14h10'])
export const IconMenu = icon('IconMenu', ['M3 6h18', 'M3 12h18', 'M3 18h18'])
export const IconServer = icon('IconServer', ['M3 4h18v6H3z', 'M3 14h18v6H3z', 'M7 7h.01', 'M7 17h.01'])
export const IconUser = icon('IconUser', ['M20 21a8 8 0 0 0-16 0', 'M12 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10Z'])
export const IconPlug = icon('IconPlug', ['M9 2v6', 'M15 2v6', 'M6 8h12v4a6 6 0 0 1-12 0Z', 'M12 18v4'])
export const IconTrash = icon('IconTrash', ['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6'])
export const IconBolt = icon('IconBolt', ['M13 2 3 14h9l-1 8 10-12h-9Z'])
export const IconSearch = icon('IconSearch', ['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16Z', 'M21 21l-4.3-4.3'])
export const IconWrench = icon('IconWrench', ['M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.4-.6-.6-2.4Z'])
