// The OpenAPI 3.1 description of the API, generated from the route schemas fastify
// validates with (so it cannot drift from the server). Served at /api/openapi.json.
import type { RouteOptions } from 'fastify';

interface RouteSchema {
  hide?: boolean;
  summary?: string;
  params?: { properties?: Record<string, unknown>; required?: string[] };
  body?: unknown;
  response?: Record<string, unknown>;
}

export function buildOpenApi(routes: RouteOptions[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const schema = route.schema as RouteSchema | undefined;
    if (!schema || schema.hide) continue;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of methods) {
      const parameters = Object.entries(schema.params?.properties ?? {}).map(([name, s]) => ({
        name,
        in: 'path',
        required: true,
        schema: s,
      }));
      const responses = Object.fromEntries(
        Object.entries(schema.response ?? {}).map(([status, body]) => [
          status,
          status === '204'
            ? { description: 'No Content' }
            : {
                description: (body as { description?: string }).description ?? 'OK',
                content: { 'application/json': { schema: body } },
              },
        ]),
      );
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = {
        summary: schema.summary,
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(schema.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }
          : {}),
        responses,
      };
    }
  }
  paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics (requests, live sessions, bot think time)',
      responses: { 200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cartridge web API',
      version: '1',
      description: 'Play the trained agents and read training statistics. Errors are {error, code, message}.',
    },
    paths,
  };
}
