// Reordering a short list by its drag anchors: with the pointer (the item follows, the others make room, the
// drop is one command) and with the keyboard (arrow keys on the focused anchor). The DOM is never reordered
// here: the list re-renders from the store once the command has run, so the store stays the one truth.
import { nextTick } from 'vue'

const ITEM = '[data-reorder-item]'

/** Starts a pointer drag of item `index` of `list`; `onDrop(from, to)` runs once, if the place changed. */
export function startReorder(e: PointerEvent, list: HTMLElement, index: number, onDrop: (from: number, to: number) => void): void {
  if (e.button !== 0) return
  // Keeps Vue Flow from dragging the card or panning (no compatibility mouse events follow).
  e.preventDefault()
  e.stopPropagation()
  const items = Array.from(list.querySelectorAll<HTMLElement>(`:scope > ${ITEM}`))
  const dragged = items[index]
  if (!dragged) return
  const rects = items.map((el) => el.getBoundingClientRect())
  // The canvas may be zoomed: client pixels → the list's own pixels.
  const scale = dragged.offsetHeight ? rects[index].height / dragged.offsetHeight : 1
  const startY = e.clientY
  let to = index
  dragged.classList.add('reorder-dragging')
  list.classList.add('reorder-active')

  const move = (ev: PointerEvent) => {
    const dy = ev.clientY - startY
    const center = rects[index].top + rects[index].height / 2 + dy
    to = index
    for (let i = index + 1; i < rects.length && center > rects[i].top + rects[i].height / 2; i++) to = i
    for (let i = index - 1; i >= 0 && center < rects[i].top + rects[i].height / 2; i--) to = i
    dragged.style.transform = `translateY(${dy / scale}px)`
    const h = rects[index].height / scale
    items.forEach((el, i) => {
      if (i === index) return
      const shift = to > index && i > index && i <= to ? -h : to < index && i < index && i >= to ? h : 0
      el.style.transform = shift ? `translateY(${shift}px)` : ''
    })
  }
  const end = (ev: PointerEvent) => {
    window.removeEventListener('pointermove', move, true)
    window.removeEventListener('pointerup', end, true)
    window.removeEventListener('pointercancel', end, true)
    for (const el of items) el.style.transform = ''
    dragged.classList.remove('reorder-dragging')
    list.classList.remove('reorder-active')
    ev.stopPropagation()
    if (ev.type === 'pointerup' && to !== index) onDrop(index, to)
  }
  window.addEventListener('pointermove', move, true)
  window.addEventListener('pointerup', end, true)
  window.addEventListener('pointercancel', end, true)
}

/**
 * Arrow keys on a focused anchor move its item one place; Home/End to the ends. The anchor of the moved item
 * gets the focus back once the list has re-rendered (found by `data-reorder-key`).
 */
export function reorderKey(e: KeyboardEvent, list: HTMLElement | null, index: number, count: number, key: string, onDrop: (from: number, to: number) => void): void {
  const to = e.key === 'ArrowUp' ? index - 1 : e.key === 'ArrowDown' ? index + 1 : e.key === 'Home' ? 0 : e.key === 'End' ? count - 1 : null
  if (to === null) return
  // The card itself would move with the arrow keys (Vue Flow): this key is the list's.
  e.preventDefault()
  e.stopPropagation()
  if (to < 0 || to >= count || to === index) return
  onDrop(index, to)
  void nextTick(() => {
    const anchor = list?.querySelector<HTMLElement>(`[data-reorder-key="${CSS.escape(key)}"] [data-reorder-anchor]`)
    anchor?.focus({ preventScroll: true })
  })
}
