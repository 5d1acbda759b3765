// The signed-in user's own settings (User Settings › Configuration and Workspace): web app preferences, the web
// app's cloud access keys, storage cleanup credentials, API credentials with their snippets, AI Application
// Gateway tokens and workspaces. Pure types and the rules the web app applies, shared by every layer.

// ---------------------------------------------------------------------------------------------------------
// Preferences (users.get_preferences / set_preferences; clearml-api.md §6.1, clearml-enterprise-api.md §2.3)

export interface UserPreferences {
  /** Show Hidden Projects → rootProjects.showHidden */
  showHidden: boolean
  /** Don't show ClearML examples → rootProjects.hideExamples */
  hideExamples: boolean
  /** Don't show pro tips periodically → `tip-of-the-day` in views.neverShowPopupAgain */
  neverShowTips: boolean
  /** Block running user's scripts in the browser → rootProjects.blockUserScript */
  blockUserScript: boolean
  /** Hide specific container arguments → views.hideRedactedArguments */
  hideRedactedArguments: boolean
  /** The hidden container arguments → views.redactedArguments ([{key}]) */
  redactedArguments: string[]
}

/** Where each preference lives on the server: the dot-path users.set_preferences updates (and nothing else). */
export const PREFERENCE_PATHS = {
  showHidden: 'rootProjects.showHidden',
  hideExamples: 'rootProjects.hideExamples',
  neverShowTips: 'views.neverShowPopupAgain',
  blockUserScript: 'rootProjects.blockUserScript',
  hideRedactedArguments: 'views.hideRedactedArguments',
  redactedArguments: 'views.redactedArguments'
} as const satisfies Record<keyof UserPreferences, string>

export const TIPS_POPUP_ID = 'tip-of-the-day'
export const DEFAULT_REDACTED_ARGUMENTS = ['CLEARML_API_SECRET_KEY', 'CLEARML_AGENT_GIT_PASS', 'AWS_SECRET_ACCESS_KEY', 'AZURE_STORAGE_KEY']

export const DEFAULT_PREFERENCES: UserPreferences = {
  showHidden: false,
  hideExamples: false,
  neverShowTips: false,
  blockUserScript: false,
  hideRedactedArguments: false,
  redactedArguments: DEFAULT_REDACTED_ARGUMENTS
}

/** Each preference's tooltip, as the Settings documentation words it. */
export const PREFERENCE_HELP: Record<keyof UserPreferences | 'disableHidpi' | 'reportStats', string> = {
  showHidden: 'Show ClearML infrastructure projects alongside your own projects. Hidden projects are marked with a ghost icon.',
  hideExamples: 'Hide the preloaded ClearML example content (project, pipeline, dataset, etc.).',
  disableHidpi:
    'ClearML’s web app sets the browser scaling factor for an optimal page layout; disable it for the default desktop scale. The web app keeps this choice in each browser (not on the server), so it is kept here for this desktop only; the console itself always uses the desktop scale.',
  neverShowTips: 'Stop showing ClearML usage tips on login.',
  blockUserScript:
    'Block any user and third-party scripts from running anywhere in the web app. The web app then does not display debug samples, Hyper-Dataset frame previews and embedded resources in reports.',
  hideRedactedArguments:
    'Hide the values of these Docker environment variables in logs: when printed, they are replaced with ********.',
  redactedArguments: 'The container arguments whose values are hidden.',
  reportStats: 'Share anonymous telemetry data with the ClearML engineering team (a global setting of this self-hosted server).'
}

export interface PreferencesState {
  preferences: UserPreferences
  /** Set by the server's web app configuration (configuration.json): the user cannot change these. */
  enforced: { blockUserScript: boolean }
  /** This console's own (the web app keeps it in its browser's localStorage `disableHidpi`). */
  disableHidpi: boolean
  /** The self-hosted server's telemetry opt-in (server.report_stats_option); null when the server does not offer it. */
  reportStats: { supported: boolean; enabled: boolean } | null
}

/** The preferences object the server keeps → the console's view (defaults where a key is missing). */
export function readPreferences(prefs: unknown): UserPreferences {
  const root = (prefs && typeof prefs === 'object' ? prefs : {}) as Record<string, unknown>
  const get = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), root)
  const bool = (path: string, d: boolean) => (typeof get(path) === 'boolean' ? (get(path) as boolean) : d)
  const popups = get(PREFERENCE_PATHS.neverShowTips)
  const redacted = get(PREFERENCE_PATHS.redactedArguments)
  return {
    showHidden: bool(PREFERENCE_PATHS.showHidden, false),
    hideExamples: bool(PREFERENCE_PATHS.hideExamples, false),
    neverShowTips: Array.isArray(popups) && popups.includes(TIPS_POPUP_ID),
    blockUserScript: bool(PREFERENCE_PATHS.blockUserScript, false),
    hideRedactedArguments: bool(PREFERENCE_PATHS.hideRedactedArguments, false),
    redactedArguments: Array.isArray(redacted)
      ? redacted.map((r) => (r && typeof r === 'object' ? String((r as { key?: unknown }).key ?? '') : String(r))).filter((k) => k.trim())
      : DEFAULT_REDACTED_ARGUMENTS
  }
}

/** The web app's redaction: keys blank after trimming are dropped, the kept ones are not trimmed. */
export function cleanRedactedArguments(keys: string[]): string[] {
  return keys.filter((k) => k.trim())
}

// ---------------------------------------------------------------------------------------------------------
// Web App Cloud Access (the web app's browser-side bucket keys; clearml-api.md §6.2): kept on this desktop only.

export interface CloudAccessEntry {
  id: string
  bucket: string
  key: string
  region: string
  /** Host (Endpoint); empty for AWS S3. */
  endpoint: string
  hasSecret: boolean
  hasToken: boolean
  updatedAt: number
}

// The endpoint is normalised as the web app does: `normaliseEndpoint` in ./vault-types (the same rule serves
// the UI storage credentials vault).

// ---------------------------------------------------------------------------------------------------------
// Storage Cleanup Credentials (storage.*_user_settings). Secrets are never sent to the renderer: each is
// replaced by whether it is set; on save an omitted secret keeps the server's value for the same entry (`ref`).

export interface AwsBucketSettings {
  /** The entry's place when it was read ("aws.buckets.2"), to keep its secrets; null for a new entry. */
  ref: string | null
  bucket: string
  subdir: string
  host: string
  key: string
  hasSecret: boolean
  hasToken: boolean
  multipart: boolean
  acl: string
  secure: boolean
  region: string
  verify: boolean
  useCredentialsChain: boolean
}

export interface GoogleBucketSettings {
  ref: string | null
  bucket: string
  project: string
  subdir: string
  hasCredentialsJson: boolean
}

export interface AzureContainerSettings {
  ref: string | null
  accountName: string
  hasAccountKey: boolean
  containerName: string
}

export interface StorageSettings {
  aws: { key: string; hasSecret: boolean; hasToken: boolean; region: string; useCredentialsChain: boolean; buckets: AwsBucketSettings[] }
  google: { project: string; hasCredentialsJson: boolean; buckets: GoogleBucketSettings[] }
  azure: { containers: AzureContainerSettings[] }
  lastUpdate: string | null
}

// ---------------------------------------------------------------------------------------------------------
// API credentials (auth.*_credentials) and the snippets of the web app's credentials dialog (clearml-api.md §4)

export interface CredentialInfo {
  accessKey: string
  label: string | null
  created: string | null
  lastUsed: string | null
  /** An IP address, or a worker's name (then an agent depends on the key). */
  lastUsedFrom: string | null
  /** UTC; null = never expires. */
  expire: string | null
}

export interface CredentialsState {
  /** The keys of the workspace this connection signs in to. */
  credentials: CredentialInfo[]
  /** Keys the user created in other workspaces, by workspace id. */
  otherWorkspaces: Record<string, CredentialInfo[]>
  maxCredentials: number | null
  /** Enterprise: the expiry used when none is given, and the longest a non-admin may choose (seconds). */
  defaultExpirationSec: number | null
  maxExpirationSec: number | null
  /** The server supports expiry (Enterprise); an open-source server's keys never expire. */
  expirySupported: boolean
  /** An admin may create keys that never expire even when a cap is set. */
  admin: boolean
}

export interface NewCredential {
  accessKey: string
  /** Shown once, in the dialog; never stored or sent again. */
  secretKey: string
  label: string | null
  expire: string | null
  snippets: CredentialSnippets
}

export interface CredentialSnippets {
  /** The LOCAL PYTHON tab: a clearml.conf `api { … }` section, no trailing newline. */
  python: string
  /** The JUPYTER NOTEBOOK tab as copied (values unquoted). */
  jupyter: string
  /** The JUPYTER NOTEBOOK tab as displayed (values in double quotes). */
  jupyterDisplay: string
}

/** The web app's "about to expire" window. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000

export type ExpiryState = 'never' | 'valid' | 'soon' | 'expired'
export function expiryState(expire: string | null, now = Date.now()): ExpiryState {
  if (!expire) return 'never'
  const t = Date.parse(expire)
  if (!Number.isFinite(t)) return 'never'
  if (t <= now) return 'expired'
  return t - now <= EXPIRY_WARNING_MS ? 'soon' : 'valid'
}

/**
 * The credentials dialog's snippets exactly as the web app builds them: unquoted server URLs, quoted keys with
 * `=`, the label as a comment, the files server only when known, no trailing newline. The console knows the
 * real API URL, so `api_server` is always the connection's.
 */
export function credentialSnippets(o: { webUrl: string; apiUrl: string; filesUrl: string | null; accessKey: string; secretKey: string; label: string | null; comment?: string }): CredentialSnippets {
  const py = ['api {']
  if (o.comment) py.push(`  # ${o.comment}`)
  py.push(`  web_server: ${o.webUrl}`, `  api_server: ${o.apiUrl}`)
  if (o.filesUrl) py.push(`  files_server: ${o.filesUrl}`)
  if (o.label) py.push(`  # ${o.label}`)
  py.push('  credentials {', `    "access_key" = "${o.accessKey}"`, `    "secret_key" = "${o.secretKey}"`, '  }', '}')
  const env = (q: boolean) => {
    const v = (s: string) => (q ? `"${s}"` : s)
    const lines = [`%env CLEARML_WEB_HOST=${v(o.webUrl)}`, `%env CLEARML_API_HOST=${v(o.apiUrl)}`]
    if (o.filesUrl) lines.push(`%env CLEARML_FILES_HOST=${v(o.filesUrl)}`)
    if (o.label) lines.push(`# ${o.label}`)
    lines.push(`%env CLEARML_API_ACCESS_KEY=${v(o.accessKey)}`, `%env CLEARML_API_SECRET_KEY=${v(o.secretKey)}`)
    return lines.join('\n')
  }
  return { python: py.join('\n'), jupyter: env(false), jupyterDisplay: env(true) }
}

// ---------------------------------------------------------------------------------------------------------
// AI Application Gateway tokens (auth.*_router_token*) and workspaces

export interface GatewayToken {
  id: string
  label: string
  type: string
  user: string | null
  created: string | null
  createdBy: string | null
  expires: string | null
  revoked: boolean
}

export interface Workspace {
  id: string
  name: string
  /** The user's own (personal) workspace: it can be renamed, never left. */
  own: boolean
  /** The workspace this connection works in. */
  current: boolean
}
