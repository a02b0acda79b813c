/**
 * Where a user goes after signing in (`?next=`) may only be a path on this server: an absolute URL,
 * a scheme-relative `//host` or a backslash variant that browsers read as one would turn the sign-in
 * into an open redirect.
 */
export function nextPathProblem(next: string): string | undefined {
  const problem = 'Give a path on this server starting with a single "/", such as /bookings.'
  if (!next.startsWith('/') || next.startsWith('//')) return problem
  // Control characters and backslashes are how `/\evil.example` or `/<TAB>/evil.example` get through.
  for (let at = 0; at < next.length; at++) {
    const code = next.charCodeAt(at)
    if (code < 0x20 || code === 0x7f || code === 0x5c) return problem
  }
  return undefined
}
