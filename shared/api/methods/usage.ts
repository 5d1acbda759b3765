// usage: contract fragment (filled in by the feature).
export const usageMethods = {}
