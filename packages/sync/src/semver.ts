// Masterminds/semver NewVersion's grammar (what zot's `semver: true` accepts): an optional `v`, one to three
// numeric parts (1, 1.2, 1.2.3), then an optional -prerelease and +metadata. Leading zeros are refused.
const SEMVER =
  /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function isSemver(tag: string): boolean {
  return SEMVER.test(tag);
}
