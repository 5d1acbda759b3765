export * from './contract'
export * from './errors'
export * from './events'
export * from './fields'
export * from './list'
export * from './method'
export * from './types'
export * from '../domain/connections'
export * from './version'
export { connectionInput, connectionOrder, type ConnectionInput, type ConnectionFields, type ConnectionOrder } from './methods/connections'
export { profileRenameInput } from './methods/profile'
export { vaultDocInput, scratchDocInput, resourceDocInput } from './methods/drafts'
export {
  preferencesInput,
  cloudAccessInput,
  storageSettingsInput,
  credentialCreateInput,
  inviteInput,
  gatewayGenerateInput
} from './methods/user-settings'
export { policyCreateInput, policyUpdateInput, policyConnectInput } from './methods/resources'
export { vaultOrder, type VaultOrder, type VaultGroup, type VaultOperation } from './methods/vaults'
export * from '../domain/drafts'
export * from '../domain/vaults'
export * from '../domain/vault-types'
export * from '../domain/resources'
export * from '../domain/user-settings'
