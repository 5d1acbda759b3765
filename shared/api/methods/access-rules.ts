// access-rules: contract fragment (filled in by the feature).
export const accessRulesMethods = {}
