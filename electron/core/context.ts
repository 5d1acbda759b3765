// What every feature's handlers may use. Built once by the composition root (index.ts).
import type { AppStatus, DataChanged } from '../../shared/api'
import type { ConnectionRepo } from './connections/repo'
import type { DataLayer } from './data'
import type { DraftEngine } from './drafts/engine'
import type { DraftRepo } from './drafts/repo'
import type { Db } from './db'
import type { SecretStore } from './secrets'
import type { Session } from './session'

export interface CoreContext {
  db: Db
  secrets: SecretStore
  session: Session
  data: DataLayer
  connections: ConnectionRepo
  drafts: DraftRepo
  engine: DraftEngine
  clientVersion: string
  status(): AppStatus
  announce(e: DataChanged): void
}
