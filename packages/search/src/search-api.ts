// The search API as a framework-free handler: a web Request and the caller's identity in, a Response out, the
// way gqlgen's handler answers for zot: GET (query string) and POST (JSON); 200 with `data` (and `errors` when a
// resolver failed); 422 when the query does not parse, does not validate or exceeds the limits; 400 for a body
// that is not a GraphQL request. The library knows nothing of config or of how callers are authenticated.
import type { RepoMetaStore, UserPrefsStore } from '@zot-ts/metastore';
import { jsonNestsDeeperThan, readTextWithin } from '@zot-ts/oci-store';
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { checkQueryLimits, DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits.js';
import { createRepoReader } from './repo-cache.js';
import { buildSearchSchema } from './schema.js';
import { createScope } from './scope.js';
import { handleUserPrefs } from './userprefs.js';

export interface SearchLimits extends QueryLimits {
  /** Largest request body (POST) or query string (GET) in bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of the JSON body (the variables are the only nested part a real client sends). */
  maxJsonDepth: number;
  /** Most lexical tokens in the query text (graphql-js `maxTokens`). */
  maxTokens: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  ...DEFAULT_QUERY_LIMITS,
  maxBodyBytes: 256 * 1024,
  maxJsonDepth: 32,
  maxTokens: 10_000,
};

export interface SearchApiOptions<I> {
  repos: RepoMetaStore;
  userPrefs: UserPrefsStore;
  /** Whether the caller may read the repository; every result is filtered by it. */
  canRead(identity: I | undefined, repository: string): boolean;
  /** Whether the caller may delete in the repository (ExpandedRepoInfo's IsDeletable). Default: no. */
  canDelete?(identity: I | undefined, repository: string): boolean;
  /** The user whose stars and bookmarks apply; undefined for anonymous callers. */
  usernameOf(identity: I | undefined): string | undefined;
  limits?: Partial<SearchLimits>;
  /** Resolver failures that are not the caller's fault (a broken database) are reported here. */
  onInternalError?(error: unknown): void;
}

export interface GraphQLRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface SearchResult {
  status: number;
  body: { data?: unknown; errors?: readonly unknown[] };
}

export interface SearchApi<I> {
  readonly schema: GraphQLSchema;
  /** Runs one GraphQL request for the caller. */
  execute(request: GraphQLRequest, identity: I | undefined): Promise<SearchResult>;
  /** GET or POST /v2/_zot/ext/search. */
  handle(request: Request, identity: I | undefined): Promise<Response>;
  /** PUT /v2/_zot/ext/userprefs?action=toggleStar|toggleBookmark&repo=<name>. */
  handleUserPrefs(request: Request, identity: I | undefined): Promise<Response>;
}

const failure = (status: number, message: string, code?: string): SearchResult => ({
  status,
  body: { errors: [code === undefined ? { message } : { message, extensions: { code } }], data: null },
});

const json = (result: SearchResult): Response =>
  new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { 'Content-Type': 'application/json' },
  });

export function createSearchApi<I>(options: SearchApiOptions<I>): SearchApi<I> {
  const limits: SearchLimits = { ...DEFAULT_SEARCH_LIMITS, ...options.limits };
  const schema = buildSearchSchema();
  const reader = createRepoReader(options.repos);
  const documents = new Map<string, DocumentNode>(); // parsed and validated queries (clients repeat theirs)
  const MAX_CACHED_DOCUMENTS = 200;

  function prepare(query: string, operationName: string | undefined): DocumentNode | SearchResult {
    const cacheKey = `${operationName ?? ''}\u0000${query}`;
    const cached = documents.get(cacheKey);
    if (cached !== undefined) return cached;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      return { status: 422, body: { errors: [(error as GraphQLError).toJSON()], data: null } };
    }
    const tooMuch = checkQueryLimits(schema, document, operationName, limits);
    const errors =
      tooMuch.length > 0 ? tooMuch : validate(schema, document, specifiedRules, { maxErrors: 20 });
    if (errors.length > 0)
      return { status: 422, body: { errors: errors.map((e) => e.toJSON()), data: null } };
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    documents.set(cacheKey, document);
    return document;
  }

  async function run(request: GraphQLRequest, identity: I | undefined): Promise<SearchResult> {
    const { query, variables, operationName } = request;
    if (typeof query !== 'string' || query.trim() === '') return failure(422, 'no operation provided');
    if (
      variables !== undefined &&
      variables !== null &&
      (typeof variables !== 'object' || Array.isArray(variables))
    )
      return failure(400, 'variables must be a JSON object');
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
      return failure(400, 'operationName must be a string');
    const prepared = prepare(query, operationName ?? undefined);
    if (!('kind' in prepared)) return prepared;
    const scope = createScope({
      reader,
      userPrefs: options.userPrefs,
      username: options.usernameOf(identity),
      canRead: (repository) => options.canRead(identity, repository),
      canDelete: (repository) => options.canDelete?.(identity, repository) ?? false,
    });
    const result = await execute({
      schema,
      document: prepared,
      contextValue: { scope },
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: operationName ?? undefined,
    });
    for (const error of result.errors ?? []) {
      // a GraphQLError raised on purpose has no originalError; anything else is a fault worth logging
      if (error.originalError !== undefined && error.originalError.constructor.name !== 'GraphQLError')
        options.onInternalError?.(error.originalError);
    }
    const body: SearchResult['body'] = {};
    if (result.errors !== undefined) body.errors = result.errors.map((e) => e.toJSON());
    body.data = result.data ?? null;
    // a request whose variables do not fit the operation never runs: gqlgen answers 422
    const status = result.data === undefined && result.errors !== undefined ? 422 : 200;
    return { status, body };
  }

  async function handle(request: Request, identity: I | undefined): Promise<Response> {
    if (request.method === 'GET') {
      const url = new URL(request.url);
      if (url.search.length > limits.maxBodyBytes) return json(failure(413, 'request too large'));
      const variablesText = url.searchParams.get('variables');
      let variables: unknown;
      if (variablesText !== null && variablesText !== '') {
        if (jsonNestsDeeperThan(variablesText, limits.maxJsonDepth))
          return json(failure(400, 'variables nest too deeply'));
        try {
          variables = JSON.parse(variablesText);
        } catch {
          return json(failure(400, 'variables could not be decoded'));
        }
      }
      return json(
        await run(
          {
            query: url.searchParams.get('query'),
            variables,
            operationName: url.searchParams.get('operationName'),
          },
          identity,
        ),
      );
    }
    if (request.method !== 'POST') return json(failure(405, 'method not allowed'));
    const contentType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') return json(failure(400, 'transport not supported'));
    const text = await readTextWithin(request, limits.maxBodyBytes);
    if (text === undefined)
      return json(failure(413, `request body larger than ${limits.maxBodyBytes} bytes`));
    if (jsonNestsDeeperThan(text, limits.maxJsonDepth))
      return json(failure(400, `json request body nests deeper than ${limits.maxJsonDepth}`));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return json(failure(400, `json request body could not be decoded: ${(error as Error).message}`));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return json(failure(400, 'json request body must be an object'));
    return json(await run(body as GraphQLRequest, identity));
  }

  return {
    schema,
    execute: run,
    handle,
    handleUserPrefs: (request, identity) =>
      handleUserPrefs(request, {
        repos: options.repos,
        userPrefs: options.userPrefs,
        username: options.usernameOf(identity),
        canRead: (repository) => options.canRead(identity, repository),
      }),
  };
}
