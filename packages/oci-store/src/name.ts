// Repository names (distribution-spec, "Pulling manifests": `<name>` MUST match the grammar below).
// The grammar alone already rules out `..`, absolute paths, backslashes, NUL and `%` (so no
// percent-encoded traversal survives URL decoding); on top of it we refuse components that would
// collide with files of the on-disk layout (see layout.ts), e.g. `library/blobs`.
import { OciError } from './errors.js';
import { isReservedRepositoryComponent } from './layout.js';

const componentPattern = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** Many clients cap `<host>/<name>` at 255 chars; we cap the name itself there. */
export const maxRepositoryNameLength = 255;

/** Why a name is refused, or undefined when it is a valid repository name. */
export function repositoryNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'empty name';
  if (name.length > maxRepositoryNameLength) return `longer than ${maxRepositoryNameLength} characters`;
  const components = name.split('/');
  for (const [position, component] of components.entries()) {
    if (!componentPattern.test(component))
      return `component ${position + 1} does not match [a-z0-9]+((.|_|__|-+)[a-z0-9]+)*`;
    if (isReservedRepositoryComponent(component, position))
      return `component "${component}" is reserved by the storage layout`;
  }
  return undefined;
}

export function isRepositoryName(name: string): boolean {
  return repositoryNameProblem(name) === undefined;
}

/** Throws NAME_INVALID with the reason when `name` is not a valid repository name. */
export function assertRepositoryName(name: string): string {
  const problem = repositoryNameProblem(name);
  if (problem !== undefined) {
    throw new OciError('NAME_INVALID', { detail: { name: String(name).slice(0, 300), reason: problem } });
  }
  return name;
}
