import type { Schema } from './schema-values.ts'

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie'
  name: string
  required?: boolean
  schema?: Schema
}

interface DocumentedOperation {
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> }
  security?: unknown[]
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentedOperation>>
}

export interface NamedSchema {
  name: string
  required: boolean
  schema: Schema
}

/** One operation of the API, as the fuzzer needs it. */
export interface Operation {
  /** `POST /api/payments/` */
  name: string
  method: string
  /** As documented, with `{param}` placeholders. */
  path: string
  pathParameters: NamedSchema[]
  query: NamedSchema[]
  headers: NamedSchema[]
  /** Body schemas by media type; empty when the operation takes no body. */
  bodies: Record<string, Schema>
  authenticated: boolean
}

/** Every operation the document lists. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? []
      const named = (where: Parameter['in']) =>
        parameters
          .filter((parameter) => parameter.in === where)
          .map((parameter) => ({
            name: parameter.name,
            required: parameter.required === true,
            schema: parameter.schema ?? {},
          }))
      const bodies = Object.fromEntries(
        Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => [
          type,
          media.schema ?? {},
        ]),
      )
      return {
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParameters: named('path'),
        query: named('query'),
        headers: named('header'),
        bodies,
        authenticated: (operation.security ?? []).length > 0,
      }
    }),
  )
}
