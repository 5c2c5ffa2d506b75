// `zot serve`: placeholder until its issue lands.
export async function runServe(_args: string[]): Promise<number> {
  process.stderr.write('zot serve: not implemented yet\n');
  return 1;
}
