// Users & Groups' pure pieces the screens rely on: the invite and group forms' contract messages (shown at the
// field), the built-in Users group recognised from the server's flags, duplicate names compared as the server
// does, and the non-administrator refusal recognised from the core's error.
import { describe, expect, it } from 'vitest'
import { ApiError } from '@shared/api'
import { adminInviteInput, groupSaveInput } from '@shared/api/methods/admin-users'
import { NOT_ADMIN_MESSAGE, isUsersGroup, sameGroupName } from '@shared/domain/admin-users'
import { dateOnly, isForbidden } from '../../renderer/src/features/users-groups/common'

describe('users & groups forms', () => {
  it('an invite needs one well-formed email (trimmed)', () => {
    expect(adminInviteInput.safeParse({ email: '  a@b.example ' })).toMatchObject({ success: true, data: { email: 'a@b.example' } })
    expect(adminInviteInput.safeParse({ email: '' }).error?.issues[0].message).toBe('Enter an email address')
    expect(adminInviteInput.safeParse({ email: 'not-an-email' }).error?.issues[0].message).toMatch(/valid email/)
  })

  it('a group needs a name; the description defaults to empty', () => {
    expect(groupSaveInput.safeParse({ name: '   ' }).error?.issues[0].message).toBe('Enter a group name')
    expect(groupSaveInput.parse({ name: ' Vision ' })).toEqual({ name: 'Vision', description: '' })
  })

  it('names compare trimmed and case-insensitively; the Users group is the system, unassignable "Users"', () => {
    expect(sameGroupName(' ML team', 'ml TEAM ')).toBe(true)
    expect(sameGroupName('ML Team', 'ML Teams')).toBe(false)
    expect(isUsersGroup({ name: 'Users', system: true, assignable: false })).toBe(true)
    expect(isUsersGroup({ name: 'Admins', system: true, assignable: false })).toBe(false)
    expect(isUsersGroup({ name: 'Users', system: false, assignable: true })).toBe(false)
  })

  it('recognises the non-administrator refusal; dates of pending invitations', () => {
    expect(isForbidden(new ApiError('forbidden', NOT_ADMIN_MESSAGE))).toBe(true)
    expect(isForbidden(new ApiError('offline', 'x'))).toBe(false)
    expect(isForbidden(null)).toBe(false)
    expect(dateOnly(null)).toBe('')
    expect(dateOnly('2026-12-02T06:00:00Z')).toMatch(/2026/)
  })
})
