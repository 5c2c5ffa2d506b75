// zot's schema (schema.graphql, verbatim) built by graphql-js, with the Query resolvers attached. Every Query field
// must have a resolver: a schema update from zot that adds a query fails here, at start, not at request time.
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { queryResolvers } from './resolvers.js';

export const ZOT_SCHEMA_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export function buildSearchSchema(): GraphQLSchema {
  const schema = buildSchema(ZOT_SCHEMA_SDL);
  const queryType = schema.getQueryType();
  if (queryType === null || queryType === undefined) throw new Error('zot schema has no Query type');
  for (const [name, field] of Object.entries(queryType.getFields())) {
    const resolve = queryResolvers[name];
    if (resolve === undefined) throw new Error(`no resolver for Query.${name}`);
    field.resolve = resolve as NonNullable<typeof field.resolve>;
  }
  return schema;
}
