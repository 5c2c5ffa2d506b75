// Docker sends its stored credentials only after a 401 challenge. When anonymous and
// authenticated-only policies are mixed, `GET /v2/` answers Docker clients with 401 so that Docker
// logs in (zot's workaround). The docker CLI says `docker/<version> ...`; compose and buildx send
// `... Docker-Client/<version> ...` or similar.
export function isDockerClient(userAgent: string | null | undefined): boolean {
  if (!userAgent) return false;
  return userAgent.includes('Docker-Client') || userAgent.startsWith('docker/');
}
