import type { PageDef } from '../../pages'
import { Profile } from './Profile'
import { ForgotPassword, ResetPassword, VerifyEmail } from './Recovery'
import { Register } from './Register'
import { SignedIn, SignIn } from './SignIn'

export const authPages: PageDef[] = [
  { path: '/sign-in', access: 'public', render: () => <SignIn /> },
  { path: '/signed-in', access: 'public', render: () => <SignedIn /> },
  { path: '/register', access: 'public', render: () => <Register /> },
  { path: '/verify-email', access: 'public', render: () => <VerifyEmail /> },
  { path: '/forgot-password', access: 'public', render: () => <ForgotPassword /> },
  { path: '/reset-password', access: 'public', render: () => <ResetPassword /> },
  { path: '/profile', access: 'signed-in', render: () => <Profile /> },
]
