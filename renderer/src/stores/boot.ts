// The shell's first loads (the app status and the connections), started once as early as possible: main.ts asks
// for them before mounting, so they are on their way while the shell mounts, and the shell awaits the same answers.
import { useConnectionsStore } from '../features/connections/store'
import { useStatusStore } from './status'

let first: Promise<unknown> | null = null

export function bootLoads(): Promise<unknown> {
  return (first ??= Promise.all([useStatusStore().load(), useConnectionsStore().load()]))
}
