// The base of commands that need zot's GraphQL search API (image derived|base|cve, cve list, search query):
// the sort flag zot's zli gives them, and one clear refusal when the registry lacks search, or lacks the
// query (a registry without a vulnerability scanner has no CVEListForImage).
import { Errors } from '@oclif/core';
import { type GqlQuerySpec, runSearchQuery, searchSupport } from '../registry/search-api.js';
import { EXIT_FAILURE } from './error-exit.js';
import { RegistryCommand } from './registry-command.js';

export abstract class SearchCommand extends RegistryCommand {
  /** Checks discovery and the schema as zot's zli does; throws a plain sentence naming what is missing. */
  protected async requireQueries(
    purpose: { command: string; missingSearch: string; missingQuery: string },
    ...specs: GqlQuerySpec[]
  ): Promise<void> {
    const support = await this.slow('asking the registry for its search API', () =>
      searchSupport(this.client, ...specs),
    );
    if (support.ok) return;
    const names = specs.map((spec) => spec.name).join(', ');
    throw new Errors.CLIError(support.missing === 'search' ? purpose.missingSearch : purpose.missingQuery, {
      exit: EXIT_FAILURE,
      suggestions: [
        support.missing === 'search'
          ? `\`zli ${purpose.command}\` needs zot's search extension (GraphQL at /v2/_zot/ext/search, announced in /v2/_oci/ext/discover); enable extensions.search on the registry`
          : `the registry's search API has no ${names} query with the arguments zli sends`,
      ],
    });
  }

  protected query<T>(label: string, text: string): Promise<T> {
    return this.slow(label, () => runSearchQuery<T>(this.client, text));
  }
}
