export * from './types'
export { parseHocon } from './hocon'
export type { HoconOptions, IncludeRequest } from './hocon'
