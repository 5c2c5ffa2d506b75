// `zot schema`: placeholder until its issue lands.
export async function runSchema(_args: string[]): Promise<number> {
  process.stderr.write('zot schema: not implemented yet\n');
  return 1;
}
