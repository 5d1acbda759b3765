// Format names, detection of pasted text, file-name mapping, the example and the local scratch draft.
import type { ConfigFormat } from '@shared/config'

export const FORMAT_NAME: Record<ConfigFormat, string> = { hocon: 'HOCON', json: 'JSON', yaml: 'YAML' }
export const FORMATS: ConfigFormat[] = ['hocon', 'json', 'yaml']

/** Same mapping as shared/config's formatFromFilename (kept here so the main bundle does not pull the parser). */
export function formatFromName(name: string): ConfigFormat | null {
  const ext = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase()
  if (ext === 'conf' || ext === 'hocon') return 'hocon'
  if (ext === 'json') return 'json'
  if (ext === 'yaml' || ext === 'yml') return 'yaml'
  return null
}

/** Best guess for pasted text: JSON when it parses as JSON, YAML when it has YAML-only shapes, else HOCON. */
export function detectFormat(text: string): ConfigFormat | null {
  const t = text.trim()
  if (!t) return null
  if (/^[[{]/.test(t)) {
    try {
      JSON.parse(t)
      return 'json'
    } catch {
      /* not JSON */
    }
  }
  if (/^---\s*$/m.test(t)) return 'yaml'
  const lines = t
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^\s*(#|\/\/)/.test(l))
    .map((l) => l.replace(/"(?:[^"\\]|\\.)*"/g, '""'))
  if (lines.some((l) => /[{}=]/.test(l))) return 'hocon'
  if (lines.some((l) => /^\s*-\s/.test(l) || /^\s*[\w."-]+:\s*$/.test(l))) return 'yaml'
  return 'hocon'
}

/** A small clearml.conf with one typo (sdk.aws.s3.regoin), to show what the check does. */
export const EXAMPLE = `# ClearML SDK configuration (example)
api {
  web_server: "https://app.clear.ml"
  api_server: "https://api.clear.ml"
  files_server: "https://files.clear.ml"
  credentials {
    access_key: "MY_ACCESS_KEY"
    secret_key: "MY_SECRET_KEY"
  }
}

sdk {
  aws {
    s3 {
      # default region for buckets without their own entry
      regoin: "us-east-1"
      key: ""
      secret: ""
    }
  }
  development {
    default_output_uri: "s3://my-bucket/models"
  }
}

agent {
  git_user: ""
  default_docker {
    image: "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
  }
}
`

export interface Draft {
  text: string
  format: ConfigFormat
  adminVault: boolean
}

/** Where an earlier version kept the Config check text (read once, to bring it into the draft store). */
const DRAFT_KEY = 'clearml-console.config-check.draft'

export function loadDraft(): Draft {
  try {
    const v = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Partial<Draft> | null
    if (v && typeof v.text === 'string') {
      return { text: v.text, format: FORMATS.includes(v.format as ConfigFormat) ? (v.format as ConfigFormat) : 'hocon', adminVault: !!v.adminVault }
    }
  } catch {
    /* corrupt or unavailable: start empty */
  }
  return { text: '', format: 'hocon', adminVault: false }
}
