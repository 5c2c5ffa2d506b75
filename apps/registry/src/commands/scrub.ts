// `zot scrub`: placeholder until its issue lands.
export async function runScrub(_args: string[]): Promise<number> {
  process.stderr.write('zot scrub: not implemented yet\n');
  return 1;
}
