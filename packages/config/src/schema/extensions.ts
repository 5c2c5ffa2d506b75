// `extensions`: sync, search, ui, metrics, scrub, lint, trust, events (zot pkg/extensions/config).
// zot's applyDefaultValues turns sync, search, metrics, scrub, ui and trust on when their section is
// present without `enable`; lint and events stay off until enabled.

import type { SchemaNode } from './builders.js';
import { arrayOf, bool, duration, int, mapOf, nonEmpty, object, str, strings } from './builders.js';

// One accepted keyless signer: the issuer plus exactly one of subject and subjectRegExp (hence 2 keys).
const keylessIdentity = object(
  'One accepted signer: issuer and exactly one of subject, subjectRegExp.',
  {
    issuer: nonEmpty('OIDC issuer in the certificate (Fulcio extension), exact.'),
    subject: nonEmpty('Certificate identity (email or URI SAN), exact.'),
    subjectRegExp: nonEmpty('Regular expression the whole identity must match (anchored).'),
  },
  { required: ['issuer'], minProperties: 2, maxProperties: 2 },
);

const syncContent = object(
  'Which upstream repositories to mirror.',
  {
    prefix: nonEmpty('Doublestar glob of upstream repository names.'),
    tags: object('Which tags to mirror.', {
      regex: str('Regular expression tags must match.'),
      excludeRegex: str('Regular expression of tags to skip.'),
      semver: bool('Only tags that are semantic versions.'),
    }),
    destination: str('Local repository path to mirror into.'),
    stripPrefix: bool('Drop the prefix from the local name.'),
  },
  { required: ['prefix'] },
);

const syncRegistry = object(
  'One upstream registry.',
  {
    urls: strings('Registry URLs, tried in order.', { minItems: 1 }),
    pollInterval: duration('How often to poll for new content.'),
    content: arrayOf('Repositories to mirror; all when omitted.', syncContent),
    tlsVerify: bool('Verify the upstream TLS certificate.', true),
    onDemand: bool('Fetch images when clients ask for them.', false),
    certDir: str('Directory with client certificates for the upstream.'),
    maxRetries: int('Retries per failed request.', { minimum: 0 }),
    retryDelay: duration('Delay between retries.'),
    maxRetryDelay: duration('Maximum backoff between retries.'),
    onlySigned: bool('Mirror only signed images.'),
    syncLegacyCosignTags: bool('Also mirror sha256-<digest>.sig/.sbom tags.'),
    credentialHelper: str('Credential helper name (e.g. ecr, oauth2).'),
    oauth2CredentialHelper: mapOf('Options of the oauth2 credential helper.', {}),
    preserveDigest: bool('Mirror manifests unconverted.'),
    syncTimeout: duration('Overall HTTP timeout for sync operations.'),
  },
  { required: ['urls'] },
);

// zot (pkg/extensions/config/events): a sink embeds *Credentials and *TLSConfig without squash, so both are
// nested objects named after their types. The type is checked in checks-storage.ts with zot's message.
const eventSink = object(
  'Where events are delivered.',
  {
    type: str('Sink kind: http or nats (anything else: "event sink is not supported").'),
    address: nonEmpty('URL or NATS address.'),
    channel: str('NATS subject.'),
    timeout: duration('Delivery timeout.'),
    proxy: str('HTTP proxy URL.'),
    headers: mapOf('Extra HTTP headers.', { type: 'string' }),
    credentials: object('Who the registry is to the sink.', {
      username: str('Basic-auth or NATS user.'),
      password: str('Basic-auth or NATS password.'),
      file: str('NATS credentials file.'),
      token: str('Bearer or NATS token.'),
    }),
    tlsConfig: object('TLS towards the sink.', {
      caCertFile: str('CA certificate for the sink.'),
      certFile: str('Client certificate.'),
      keyFile: str('Client key.'),
    }),
  },
  { required: ['type', 'address'] },
);

const enable = (defaultValue: boolean) => bool('Turn the extension on.', defaultValue);

export const extensionsSchema: SchemaNode = object('Optional features beyond the distribution spec.', {
  sync: object('Mirror other registries.', {
    enable: enable(true),
    credentialsFile: str('JSON file of {"registry": {username, password}}.'),
    downloadDir: str('Scratch directory; required with a remote storageDriver.'),
    enableStreaming: bool('Stream blobs to clients while they are being mirrored.'),
    registries: arrayOf('Upstream registries.', syncRegistry, { default: [] }),
  }),
  search: object('GraphQL search and CVE scanning.', {
    enable: enable(true),
    cve: object('CVE scanning with trivy.', {
      updateInterval: duration('How often to update the CVE database (at least 2h).'),
      trivy: object('trivy database locations.', {
        dbRepository: str('OCI repository of trivy-db.'),
        javaDBRepository: str('OCI repository of trivy-java-db.'),
        vulnSeveritySources: strings(
          'Trivy\'s --vuln-severity-source: where severities come from (zot defaults it to ["auto"]).',
        ),
      }),
    }),
  }),
  ui: object('The web UI (needs search).', { enable: enable(true) }),
  metrics: object('Prometheus metrics.', {
    enable: enable(true),
    prometheus: object(
      'The scrape endpoint.',
      { path: str('Route of the endpoint.', { default: '/metrics' }) },
      {
        default: {},
      },
    ),
  }),
  scrub: object(
    'Periodic integrity check of every image (manifest, config, layers), logged image by image.',
    {
      enable: enable(true),
      interval: duration(
        'Time from the end of one scrub pass to the start of the next (the first runs at start); under 2h is raised to 2h with a warning, as zot.',
        '24h',
      ),
    },
  ),
  lint: object('Reject pushes missing mandatory annotations.', {
    enable: enable(false),
    mandatoryAnnotations: strings('Annotations every pushed manifest must carry.'),
  }),
  trust: object('Signature verification.', {
    enable: enable(true),
    cosign: bool('Verify cosign signatures.', false),
    notation: bool('Verify notation signatures.', false),
    // Ours, not zot's (zot v2.1.17 verifies keyless cosign signatures only against Fulcio/Rekor on the
    // internet): a private or offline sigstore deployment is trusted through its trusted_root.json.
    trustedRoot: nonEmpty(
      "Path to a sigstore trusted_root.json (Fulcio CAs, Rekor keys) for keyless bundles; read at start. Ours, not zot's.",
    ),
    keylessIdentities: arrayOf(
      "Who may sign keylessly, checked with trustedRoot; absent: anyone the root certifies. Ours, not zot's.",
      keylessIdentity,
    ),
  }),
  events: object('CloudEvents about pushes and deletes.', {
    enable: enable(false),
    sinks: arrayOf('Destinations.', eventSink, { default: [] }),
    source: str('CloudEvents source attribute.'),
    typePrefix: str('Namespace for event types.'),
  }),
  mgmt: object('Ignored (kept for old configs).', { enable: bool('Ignored.') }),
  apikey: object('Ignored (use http.auth.apikey).', { enable: bool('Ignored.') }),
});
