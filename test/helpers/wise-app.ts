import { signIn, type SignedInUser } from './accounts.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { startWiseServer, type WiseServer } from './wise-server.ts'

export interface WiseApp {
  t: TestApp
  wise: WiseServer
  approver: SignedInUser
  operator: SignedInUser
  admin: SignedInUser
  close(): Promise<void>
}

/**
 * The application paying out through a local Wise server, with an approver, an operator and an
 * admin signed in. `quotesByAppClock` makes Wise's quotes expire by the app's clock.
 */
export async function startWiseApp(
  options: { env?: Record<string, string>; quotesByAppClock?: boolean } = {},
): Promise<WiseApp> {
  // The server is started first (the app needs its URL); its clock reads the app once there is one.
  const started: { app?: TestApp } = {}
  const wise = await startWiseServer(
    undefined,
    options.quotesByAppClock ? { now: () => started.app?.clock.now() ?? new Date() } : {},
  )
  const app = await buildTestApp({
    env: {
      ...options.env,
      PAYOUT_PROVIDER: 'wise',
      WISE_API_TOKEN: wise.token,
      WISE_BASE_URL: wise.url,
      WISE_TIMEOUT: '1',
    },
  })
  started.app = app
  return {
    t: app,
    wise,
    approver: await signIn(app, ['approver']),
    operator: await signIn(app, ['operator']),
    admin: await signIn(app, ['admin']),
    close: async () => {
      await app.close()
      await wise.close()
    },
  }
}
