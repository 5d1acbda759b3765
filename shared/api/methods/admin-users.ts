// admin.* users and groups: the organisation's users (synced page by page into the local cache, then
// searched, sorted and paged locally so 50,000 users stay instant), invitations, roles, user groups.
// (Filled in by the Users & Groups feature.)
export const adminUsersMethods = {}
