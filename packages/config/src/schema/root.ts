// The one JSON Schema (draft 2020-12) of a zot v2.1.17 configuration file: shape and defaults.
// `zot schema` prints it; parse.ts validates with it (ajv strict mode, useDefaults).
import { condition, policy } from './access-control.js';
import type { SchemaNode } from './builders.js';
import { int, object, str, strings } from './builders.js';
import { extensionsSchema } from './extensions.js';
import { httpSchema } from './http.js';
import { storageDefs, storageSchema } from './storage.js';

const logSchema = object('Logging.', {
  level: str('Minimum level logged (zot defaults to debug; we default to info).', {
    enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic', 'disabled'],
    default: 'info',
  }),
  output: str('Log file; unset means stdout.'),
  audit: str('Audit log file (one line per mutating request); unset means none.'),
});

const clusterSchema = object(
  'Scale-out: several replicas sharing storage; repositories are hashed onto members.',
  {
    members: strings('host:port of every replica, this one included.', { minItems: 1 }),
    hashKey: str('siphash key, exactly 16 characters.', { minLength: 16, maxLength: 16 }),
    tls: object('Client TLS between members.', {
      cert: str('Client certificate.'),
      key: str('Client key.'),
      cacert: str('CA bundle of the members.'),
    }),
  },
  { required: ['members', 'hashKey'] },
);

export const configSchema: SchemaNode = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://zotregistry.dev/schemas/zot-config-v2.1.17.json',
  title: 'zot configuration',
  ...object(
    'A zot registry configuration file (JSON or YAML; keys match case-insensitively).',
    {
      distSpecVersion: str('OCI distribution-spec version the file was written for.', { default: '1.1.1' }),
      storage: storageSchema,
      http: { ...httpSchema, default: {} },
      log: { ...logSchema, default: {} },
      extensions: extensionsSchema,
      scheduler: object('Background task scheduler.', {
        numWorkers: int('Worker count (default: twice the CPU count).', { minimum: 1 }),
      }),
      cluster: clusterSchema,
    },
    { required: ['storage'] },
  ),
  $defs: { ...storageDefs, condition, policy },
};
