import { actorOf, existsBeforeValidation, type Guards } from '../../platform/http/guards.ts'
import { pageRequest, toPage } from '../../platform/http/pagination.ts'
import { IdParams, NoContent } from '../../platform/http/schemas.ts'
import type { App } from '../../platform/http/server.ts'
import { AdminUser, RolesBody, UsersPage, UsersQuery } from './auth.schemas.ts'
import type { UsersService } from './users.service.ts'

/** Admin management of accounts: list, grant roles, deactivate. */
export function userRoutes(users: UsersService, guards: Guards, publicUrl: string) {
  const adminOnly = [guards.authenticate, guards.requireRole('admin')]
  return async (app: App) => {
    app.get(
      '/api/users',
      {
        preHandler: adminOnly,
        schema: {
          tags: ['users'],
          summary: 'List users, ordered by id',
          querystring: UsersQuery,
          response: { 200: UsersPage },
        },
      },
      async (request) => {
        const page = pageRequest(request.query)
        const { count, results } = await users.listUsers(request.query, page)
        return toPage(request, publicUrl, page, count, results)
      },
    )

    app.put(
      '/api/users/:id/roles',
      {
        preHandler: adminOnly,
        preValidation: existsBeforeValidation(users.assertUserExists),
        schema: {
          tags: ['users'],
          summary: 'Set a user’s roles',
          description:
            'Takes effect on the user’s next request. An admin cannot remove their own admin role (409). Audited.',
          params: IdParams,
          body: RolesBody,
          response: { 200: AdminUser },
        },
      },
      async (request) => users.setRoles(actorOf(request), request.params.id, request.body.roles),
    )

    app.delete(
      '/api/users/:id',
      {
        preHandler: adminOnly,
        schema: {
          tags: ['users'],
          summary: 'Deactivate a user',
          description:
            'Soft delete: the user can no longer log in and their tokens stop working at once. Audited.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await users.deactivate(actorOf(request), request.params.id)
        return reply.code(204).send(null)
      },
    )
  }
}
