import type { PageDef } from '../../pages'
import { Home } from './Home'

export const homePages: PageDef[] = [{ path: '/', access: 'signed-in', render: () => <Home /> }]
