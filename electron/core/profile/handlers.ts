// profile.*: users.get_current_user through the data layer's cache-first read; rename via users.update.
import { ApiError, type HandlersOf, type UserProfile } from '../../../shared/api'
import type { profileMethods } from '../../../shared/api/methods/profile'
import type { CoreContext } from '../context'

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

export function profileHandlers(ctx: CoreContext): HandlersOf<typeof profileMethods> {
  const { session, data } = ctx

  async function fetchProfile(signal?: AbortSignal): Promise<UserProfile> {
    const { user: u } = await session.call<CurrentUserResponse>('users.get_current_user', {}, { signal })
    const company = typeof u.company === 'string' ? { id: u.company, name: '' } : (u.company ?? { id: '', name: '' })
    return {
      id: u.id,
      name: u.name,
      givenName: u.given_name ?? null,
      familyName: u.family_name ?? null,
      companyId: company.id,
      companyName: company.name ?? '',
      role: u.role ?? session.identity?.role ?? '',
      created: u.created ?? null
    }
  }
  const read = (refresh: boolean) => data.read({ topic: 'profile', key: 'current', what: 'profile', refresh, fetch: fetchProfile })

  return {
    'profile.get': async ({ refresh }) => read(refresh),
    'profile.rename': async ({ name }) => {
      const conn = session.connection
      if (!conn) throw new ApiError('no_connection', 'No active connection.')
      if (session.state !== 'online') {
        throw new ApiError('offline', `Cannot rename while offline: ${session.reason ?? 'the server cannot be reached'}.`)
      }
      const current = await read(false)
      await session.call('users.update', { user: current.value.id, name })
      const value = await fetchProfile()
      return { value, source: 'server', fetchedAt: data.store(conn.id, 'profile', 'current', value, { announce: false }) }
    }
  }
}
