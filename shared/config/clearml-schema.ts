// Shape of the generated clearml.conf key tree (see clearml-keys.generated.ts and scripts/gen-clearml-keys.ts).

export type ClearmlValueKind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'any'

export interface ClearmlKey {
  /** Kinds of value ClearML's reference files use for this key ('any' = not checked). null is always accepted. */
  type: ClearmlValueKind[]
  /** One-line description from the comment above the key in the reference files, when there is one. */
  doc?: string
  /** Known sub-keys of an object value. */
  children?: Record<string, ClearmlKey>
  /** User-defined sub-keys are allowed (open map): no unknown-key warning below this node. */
  open?: boolean
  /** For open maps: the schema of each user-defined entry's value. */
  entry?: ClearmlKey
  /** Schema of array elements. */
  items?: ClearmlKey
  /** The reference value is an empty string placeholder: any scalar is accepted. */
  loose?: boolean
}

/** The six keys the agent restores after applying vaults (clearml-api.md §3.2); a vault cannot set them. */
export const AGENT_RESTORED_KEYS = [
  'agent.cuda_version',
  'agent.cudnn_version',
  'agent.default_python',
  'agent.worker_id',
  'agent.worker_name',
  'agent.debug'
] as const
