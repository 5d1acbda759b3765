// User Settings' pure renderer logic: the Storage Cleanup form model (secrets kept, cleared or replaced; the
// contract's messages plus the web app's required-secret rules; the "Configured" badge) and the server-refusal
// mapping shared by the forms.
import { describe, expect, it } from 'vitest'
import { ApiError, type StorageSettings } from '@shared/api'
import { configured, draftOf, inputOf, newAwsBucket, newGoogleBucket, problemsOf, type AwsDraft, type AzureDraft, type GoogleDraft } from '../../renderer/src/features/storage/model'
import { fieldIssues } from '../../renderer/src/features/configuration/common'

const empty: StorageSettings = {
  aws: { key: '', hasSecret: false, hasToken: false, region: '', useCredentialsChain: false, buckets: [] },
  google: { project: '', hasCredentialsJson: false, buckets: [] },
  azure: { containers: [] },
  lastUpdate: null
}
const saved: StorageSettings = {
  ...empty,
  aws: {
    key: 'AKIA',
    hasSecret: true,
    hasToken: false,
    region: 'eu-west-1',
    useCredentialsChain: false,
    buckets: [{ ref: 'aws.buckets.0', bucket: 'b', subdir: '', host: 'minio:9000', key: 'k', hasSecret: true, hasToken: false, multipart: true, acl: '', secure: true, region: '', verify: true, useCredentialsChain: false }]
  }
}

describe('storage cleanup form model', () => {
  it('leaves a stored secret out (kept), sends "" when cleared and the typed value when replaced', () => {
    const d = draftOf('aws', saved)
    expect(inputOf('aws', d).aws).toMatchObject({ key: 'AKIA', secret: undefined, token: undefined })
    expect(inputOf('aws', d).aws!.buckets[0]).toMatchObject({ ref: 'aws.buckets.0', secret: undefined })
    d.secret.cleared = true
    d.buckets[0].secret.value = 'new'
    expect(inputOf('aws', d).aws).toMatchObject({ secret: '' })
    expect(inputOf('aws', d).aws!.buckets[0].secret).toBe('new')
    // a secret that was never stored is not "cleared"
    d.token.cleared = true
    expect(inputOf('aws', d).aws!.token).toBeUndefined()
  })

  it('needs a bucket key and secret unless the bucket uses the credentials chain; a host needs a port', () => {
    const d = draftOf('aws', empty) as AwsDraft
    d.buckets.push({ ...newAwsBucket(), bucket: 'minio', host: 'minio.local' })
    expect(problemsOf('aws', d)).toMatchObject({ 'buckets.0.key': 'Key is required', 'buckets.0.secret': 'Secret is required', 'buckets.0.host': expect.stringContaining('port') })
    d.buckets[0].useCredentialsChain = true
    d.buckets[0].host = 'minio.local:9000'
    expect(problemsOf('aws', d)).toEqual({})
    // a stored secret counts; clearing it does not
    const s = draftOf('aws', saved) as AwsDraft
    expect(problemsOf('aws', s)).toEqual({})
    s.buckets[0].secret.cleared = true
    expect(problemsOf('aws', s)).toEqual({ 'buckets.0.secret': 'Secret is required' })
  })

  it('refuses invalid credentials JSON at its field and requires a bucket name and credentials per GCS bucket', () => {
    const g = draftOf('google', empty) as GoogleDraft
    g.credentialsJson.value = '{"type": '
    expect(problemsOf('google', g).credentialsJson).toMatch(/^Credentials JSON is not valid JSON/)
    g.credentialsJson.value = '[1]'
    expect(problemsOf('google', g).credentialsJson).toBe('Credentials JSON must be a JSON object')
    g.credentialsJson.value = '{"type": "service_account"}'
    g.buckets.push(newGoogleBucket())
    expect(problemsOf('google', g)).toEqual({ 'buckets.0.bucket': 'Bucket is required', 'buckets.0.credentialsJson': 'Credentials JSON is required' })
  })

  it('opens Azure with one empty container (invalid until filled or removed)', () => {
    const z = draftOf('azure', empty) as AzureDraft
    expect(z.containers).toHaveLength(1)
    expect(problemsOf('azure', z)).toEqual({ 'containers.0.accountName': 'Account name is required', 'containers.0.accountKey': 'Account key is required' })
    z.containers = []
    expect(problemsOf('azure', z)).toEqual({})
  })

  it('marks a provider configured as the web app does', () => {
    expect(configured(empty)).toEqual({ aws: false, google: false, azure: false })
    expect(configured(saved)).toEqual({ aws: true, google: false, azure: false })
    expect(configured({ ...empty, google: { project: '', hasCredentialsJson: true, buckets: [] } }).google).toBe(true)
  })
})

describe('fieldIssues', () => {
  it('takes the issues of a refusal, without the provider prefix; other errors are not about fields', () => {
    const e = new ApiError('invalid_input', 'bad', { issues: [{ path: 'aws.buckets.1.host', message: 'needs a port' }] })
    expect(fieldIssues(e, 'aws.')).toEqual({ 'buckets.1.host': 'needs a port' })
    expect(fieldIssues(new ApiError('invalid_input', 'Only admins', { field: 'expirationSec' }))).toEqual({ expirationSec: 'Only admins' })
    expect(fieldIssues(new ApiError('offline', 'down'))).toBeNull()
  })
})
