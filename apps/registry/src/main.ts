// CLI entry of the registry: `zot serve|verify|schema|scrub`. Each subcommand lives in its own file under
// commands/ and is loaded on demand, so `zot schema` does not pay for the server's imports.

type CommandRunner = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  serve: {
    summary: 'serve [config]      run the registry (default: 127.0.0.1:5000, storage ./data)',
    load: async () => (await import('./commands/serve.js')).runServe,
  },
  verify: {
    summary: 'verify <config>     check a config file and print every problem',
    load: async () => (await import('./commands/verify.js')).runVerify,
  },
  schema: {
    summary: 'schema              print the JSON Schema of the config file',
    load: async () => (await import('./commands/schema.js')).runSchema,
  },
  scrub: {
    summary: 'scrub <config>      check every manifest and blob against its digest',
    load: async () => (await import('./commands/scrub.js')).runScrub,
  },
  'verify-feature': {
    summary: 'verify-feature retention <config>  print what GC and retention would delete now',
    load: async () => (await import('./commands/verify-feature.js')).runVerifyFeature,
  },
  policy: {
    summary: 'policy explain ...  show which access rule decides a request, and why',
    load: async () => (await import('./commands/policy.js')).runPolicy,
  },
};

function usage(): string {
  return [
    'usage: zot <command> [args]',
    '',
    'commands:',
    ...Object.values(commands).map((c) => `  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${(await import('./version.js')).registryVersion}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`zot: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const run = await command.load();
  return run(rest);
}

// Started as a program (not imported by a test): run and exit with the command's status.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/main.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      // serve keeps running until a signal; other commands exit with their status
      if (code !== -1) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`zot: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
