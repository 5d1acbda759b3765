import { z } from 'zod'

export interface TokenIdentity {
  user: string
  company: string
  role: string
  user_name: string
  company_name: string
}

export interface ClearmlCapabilities {
  /** Max API version of the server, e.g. "2.34" ("2.9" when the token does not say, as the SDK assumes). */
  apiVersion: string
  /** "basic" on open-source servers. */
  featureSet: string
  serverVersion: string
  serverBuild?: string
  /** featureSet !== 'basic' */
  enterprise: boolean
  identity: TokenIdentity
  /** Token expiry in ms since the epoch, by the server's clock (null when the token has none). */
  expiresAt: number | null
  /** Enterprise multi-tenant tokens only. */
  tenant?: string
}

const str = z.union([z.string(), z.number()]).transform(String)

const claimsSchema = z.object({
  identity: z
    .object({
      user: str.optional(),
      company: str.optional(),
      role: str.optional(),
      user_name: str.optional(),
      company_name: str.optional()
    })
    .partial()
    .optional(),
  iat: z.number().optional(),
  exp: z.number().optional(),
  api_version: str.optional(),
  server_version: str.optional(),
  server_build: str.optional(),
  feature_set: str.optional(),
  tenant: str.optional()
})

export type TokenClaims = z.output<typeof claimsSchema>

/** Decode a JWT's payload WITHOUT verifying it (the client only reads it). Undefined if not a JWT. */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return undefined
  try {
    const json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown
    const parsed = claimsSchema.safeParse(json)
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export function capabilitiesFromClaims(claims: TokenClaims): ClearmlCapabilities {
  const featureSet = claims.feature_set ?? 'basic'
  const id = claims.identity ?? {}
  return {
    apiVersion: claims.api_version ?? '2.9',
    featureSet,
    serverVersion: claims.server_version ?? '',
    ...(claims.server_build !== undefined && { serverBuild: claims.server_build }),
    enterprise: featureSet !== 'basic',
    identity: {
      user: id.user ?? '',
      company: id.company ?? '',
      role: id.role ?? '',
      user_name: id.user_name ?? '',
      company_name: id.company_name ?? ''
    },
    expiresAt: claims.exp !== undefined ? claims.exp * 1000 : null,
    ...(claims.tenant !== undefined && { tenant: claims.tenant })
  }
}
