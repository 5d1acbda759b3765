// The Identity Providers e2e fixture: the usual environment with the demo's loopback OpenID provider running
// (StartOptions.oidc: the seeded "Demo OIDC (loopback)" connection points at it), plus a second provider started
// here with startOidcProvider, whose client a test configures through the New Connection wizard.
// `samlTest`: the environment with the demo's loopback SAML IdP running (StartOptions.saml: the "Demo SAML (loopback)"
// connection points at it), plus a second SAML IdP started here with startSamlIdp, whose metadata file a test uploads
// in the New Connection wizard.
import { test as base, expect } from '@playwright/test'
import { startOidcProvider, startSamlIdp, type RunningOidcProvider, type RunningSamlIdp } from '../../server/src/index'
import { disposeEnv, makeEnv, type Env } from './fixtures'

export const IDP_CLIENT = { client_id: 'console-e2e', client_secret: 'console-e2e-secret-4b1d0c' }
export const IDP_USERS = [
  { sub: 'erin', email: 'erin@idp.example', name: 'Erin Example', given_name: 'Erin', family_name: 'Example', groups: ['ml-team', 'auditors'] }
]

export const test = base.extend<{ env: Env; idp: RunningOidcProvider }>({
  // eslint-disable-next-line no-empty-pattern
  env: async ({}, use) => {
    const env = await makeEnv({ oidc: true })
    await use(env)
    await disposeEnv(env)
  },
  idp: async ({ env }, use) => {
    const idp = await startOidcProvider({ clients: [{ ...IDP_CLIENT, redirect_uris: [`${env.server.url}/callback_oidc`] }], users: IDP_USERS })
    await use(idp)
    await idp.close()
  }
})

export const SAML_IDP_USERS = [
  { nameId: 'erin', email: 'erin@idp.example', givenName: 'Erin', familyName: 'Example', displayName: 'Erin Example', groups: ['ml-team', 'auditors'] }
]

export const samlTest = base.extend<{ env: Env; samlIdp: RunningSamlIdp }>({
  // eslint-disable-next-line no-empty-pattern
  env: async ({}, use) => {
    const env = await makeEnv({ saml: true })
    await use(env)
    await disposeEnv(env)
  },
  // eslint-disable-next-line no-empty-pattern
  samlIdp: async ({}, use) => {
    const idp = await startSamlIdp({ users: SAML_IDP_USERS })
    await use(idp)
    await idp.close()
  }
})

export { expect }
