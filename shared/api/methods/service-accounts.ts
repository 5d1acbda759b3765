// service-accounts: contract fragment (filled in by the feature).
export const serviceAccountsMethods = {}
