// `zot schema`: prints the JSON Schema (draft 2020-12) of the config file, for editors and CI linters.
import { configSchema } from '@zot-ts/config';

export async function runSchema(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write('usage: zot schema\n');
    return 2;
  }
  process.stdout.write(`${JSON.stringify(configSchema, null, 2)}\n`);
  return 0;
}
