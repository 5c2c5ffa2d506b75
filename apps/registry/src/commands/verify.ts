// `zot verify`: placeholder until its issue lands.
export async function runVerify(_args: string[]): Promise<number> {
  process.stderr.write('zot verify: not implemented yet\n');
  return 1;
}
