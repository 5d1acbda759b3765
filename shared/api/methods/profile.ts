// The signed-in user's profile on the active server (users.get_current_user, users.update).
import { z } from 'zod'
import { text } from '../fields'
import { method } from '../method'
import type { Cached, UserProfile } from '../types'

export const profileRenameInput = z.object({ name: text('Name', { min: 1, max: 256 }) }).strict()

export const profileMethods = {
  'profile.get': method<Cached<UserProfile>>()(z.object({ refresh: z.boolean().default(false) }).strict()),
  'profile.rename': method<Cached<UserProfile>>()(profileRenameInput, { mutates: true, topics: ['profile'] })
}
