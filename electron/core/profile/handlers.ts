// Profile: users.get_current_user through the cache; rename via users.update.
import { ApiError, type Cached, type UserProfile } from '../../../shared/api'
import { ClearmlError } from '../clearml'
import type { CacheStore } from './cache-store'
import type { Session } from './session'

interface CurrentUserResponse {
  user: {
    id: string
    name: string
    given_name?: string | null
    family_name?: string | null
    company?: { id: string; name?: string } | string
    role?: string
    created?: string | null
  }
}

const KIND = 'profile'
const KEY = 'current'

export class ProfileService {
  constructor(
    private readonly session: Session,
    private readonly cache: CacheStore
  ) {}

  async get(refresh: boolean): Promise<Cached<UserProfile>> {
    const conn = this.session.connection
    if (!conn) throw new ApiError('no_connection', 'No active connection. Add or activate one under Connections.')
    const cached = this.cache.get<UserProfile>(conn.id, KIND, KEY)
    // Offline or still failing: answer from the cache at once rather than waiting for timeouts.
    if (this.session.state === 'offline' || this.session.state === 'auth_failed') {
      if (cached) return { value: cached.value, source: 'cache', fetchedAt: cached.fetchedAt }
      throw new ApiError('offline', `${this.session.reason ?? 'The server cannot be reached'}. No cached profile is available yet.`)
    }
    if (this.session.state === 'connecting') await this.session.connect()
    if (!refresh && cached && this.session.state !== 'online') return { value: cached.value, source: 'cache', fetchedAt: cached.fetchedAt }
    try {
      return await this.fetch(conn.id)
    } catch (err) {
      if (cached && err instanceof ClearmlError && (err.kind === 'network' || err.kind === 'timeout')) {
        return { value: cached.value, source: 'cache', fetchedAt: cached.fetchedAt }
      }
      throw err
    }
  }

  async rename(name: string): Promise<Cached<UserProfile>> {
    const conn = this.session.connection
    if (!conn) throw new ApiError('no_connection', 'No active connection.')
    if (this.session.state !== 'online') {
      throw new ApiError('offline', `Cannot rename while offline: ${this.session.reason ?? 'the server cannot be reached'}.`)
    }
    const current = await this.get(false)
    await this.session.call('users.update', { user: current.value.id, name })
    return this.fetch(conn.id)
  }

  private async fetch(connectionId: string): Promise<Cached<UserProfile>> {
    const res = await this.session.call<CurrentUserResponse>('users.get_current_user', {})
    const u = res.user
    const company = typeof u.company === 'string' ? { id: u.company, name: '' } : (u.company ?? { id: '', name: '' })
    const value: UserProfile = {
      id: u.id,
      name: u.name,
      givenName: u.given_name ?? null,
      familyName: u.family_name ?? null,
      companyId: company.id,
      companyName: company.name ?? '',
      role: u.role ?? this.session.identity?.role ?? '',
      created: u.created ?? null
    }
    const fetchedAt = this.cache.put(connectionId, KIND, KEY, value)
    return { value, source: 'server', fetchedAt }
  }
}
