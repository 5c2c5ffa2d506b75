// Token scopes, as the Docker token spec spells them.
export const pullScope = (repository: string) => `repository:${repository}:pull`;
export const pushScope = (repository: string) => `repository:${repository}:pull,push`;
export const CATALOG_SCOPE = 'registry:catalog:*';
