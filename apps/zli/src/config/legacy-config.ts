// The positional syntax of `zli config` that zot v2.1.17 still accepts but deprecates
// (pkg/cli/client/config_cmd_deprecated.go). Each form prints one warning on stderr naming its
// replacement (before running, as zot does, so the warning shows even when the action fails),
// then does what the new subcommand does.

import type { ProfileStore } from './profile-store.js';

export interface LegacyInvocation {
  readonly args: readonly string[];
  readonly list: boolean;
  readonly reset: boolean;
}

export interface LegacyPlan {
  /** The deprecation warning for stderr. */
  readonly warning: string;
  /** Runs the form; resolves to the text for stdout ('' when the form prints nothing). */
  readonly run: (store: ProfileStore) => Promise<string>;
}

export function deprecationWarning(invoked: string, replacement: string): string {
  return `Warning: deprecated invocation \`${invoked}\`; use \`${replacement}\` instead.\n`;
}

/** The plan for a deprecated form, or undefined when the arguments match none (the caller prints usage). */
export function planLegacyConfig(invocation: LegacyInvocation): LegacyPlan | undefined {
  const { args, list, reset } = invocation;
  const [name, key, value] = args;
  if (list && reset) return undefined;
  if (args.length === 0 && list) {
    return {
      warning: deprecationWarning('zli config --list', 'zli config list'),
      run: (store) => store.formatList(),
    };
  }
  if (args.length === 1 && name !== undefined && list) {
    return {
      warning: deprecationWarning('zli config <name> --list', 'zli config show <name>'),
      run: (store) => store.formatShow(name),
    };
  }
  if (args.length === 2 && name !== undefined && key !== undefined && reset) {
    return {
      warning: deprecationWarning('zli config <name> <key> --reset', 'zli config reset <name> <key>'),
      run: async (store) => {
        await store.reset(name, key);
        return '';
      },
    };
  }
  if (args.length === 2 && name !== undefined && key !== undefined && !list) {
    return {
      warning: deprecationWarning('zli config <name> <key>', 'zli config get <name> <key>'),
      run: async (store) => `${await store.get(name, key)}\n`,
    };
  }
  if (
    args.length === 3 &&
    name !== undefined &&
    key !== undefined &&
    value !== undefined &&
    !list &&
    !reset
  ) {
    return {
      warning: deprecationWarning('zli config <name> <key> <value>', 'zli config set <name> <key> <value>'),
      run: async (store) => {
        await store.set(name, key, value);
        return '';
      },
    };
  }
  return undefined;
}
