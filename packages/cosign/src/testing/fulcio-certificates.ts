// A stand-in for Fulcio in tests: a root CA, an optional intermediate, and short-lived code-signing leaf
// certificates for an OIDC identity, written as DER with node:crypto (P-256, ECDSA with SHA-256).
// The leaf carries what Fulcio puts in it (fulcio docs/oid-info.md): the identity as an email or URI SAN,
// the code-signing EKU, the OIDC issuer in 1.3.6.1.4.1.57264.1.1 (raw) and .1.8 (DER UTF8String), and,
// when a CT log is given, an embedded SCT (RFC 6962 3.2: the log's signature over the precertificate).
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  utf8String,
} from './der.js';

const OID = {
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  fulcioIssuerV1: '1.3.6.1.4.1.57264.1.1',
  fulcioIssuerV2: '1.3.6.1.4.1.57264.1.8',
  embeddedScts: '1.3.6.1.4.1.11129.2.4.2',
} as const;

export interface Authority {
  /** DER of the CA's own Name, copied byte for byte into the issuer field of what it signs. */
  name: Buffer;
  privateKey: KeyObject;
  publicKeyDer: Buffer;
  keyId: Buffer;
  der: Buffer;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export type KeylessIdentity = { email: string } | { uri: string };

export interface LeafOptions extends Validity {
  identity: KeylessIdentity;
  oidcIssuer: string;
  /** Fulcio always sets the code-signing EKU; false leaves it out. */
  codeSigning?: boolean;
  /** A CT log that "saw" the precertificate: its SCT is embedded in the leaf. */
  ctLog?: CtLog;
}

export interface CtLog {
  privateKey: KeyObject;
  /** RFC 6962 log ID: SHA-256 of the log's DER public key. */
  logId: Buffer;
}

export interface Leaf {
  der: Buffer;
  privateKey: KeyObject;
}

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const name = (commonName: string): Buffer =>
  sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String('zot-ts test sigstore'))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );
const spki = (publicKey: KeyObject): Buffer => publicKey.export({ type: 'spki', format: 'der' });
const keyIdOf = (publicKey: KeyObject): Buffer => createHash('sha1').update(spki(publicKey)).digest();
const extension = (oid: string, critical: boolean, value: Uint8Array): Buffer =>
  critical
    ? sequence(objectIdentifier(oid), boolean(true), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));

function certificate(input: {
  serial?: Buffer;
  issuer: Buffer;
  issuerKey: KeyObject;
  subject: Buffer;
  publicKey: KeyObject;
  validity: Validity;
  extensions: Buffer[];
}): Buffer {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = tbsCertificate(input, algorithm);
  return sequence(tbs, algorithm, bitString(sign('sha256', tbs, input.issuerKey)));
}

function tbsCertificate(input: Parameters<typeof certificate>[0], algorithm: Buffer): Buffer {
  return sequence(
    explicit(0, integer(2)), // v3
    integer(input.serial ?? newSerial()),
    algorithm,
    input.issuer,
    sequence(time(input.validity.notBefore), time(input.validity.notAfter)),
    input.subject,
    spki(input.publicKey),
    explicit(3, sequence(...input.extensions)),
  );
}

const newSerial = () => Buffer.concat([Buffer.from([0x01]), randomBytes(15)]);

/** RFC 6962 3.2-3.3: the SCT list extension for a leaf whose TBS (without this extension) is `tbs`. */
function sctExtension(log: CtLog, issuer: Authority, tbs: Buffer, at: Date): Buffer {
  const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(at.getTime()));
  const issuerKeyHash = createHash('sha256').update(issuer.publicKeyDer).digest();
  const tbsLength = Buffer.from([tbs.length >> 16, (tbs.length >> 8) & 0xff, tbs.length & 0xff]);
  // digitally-signed struct: v1, certificate_timestamp, timestamp, precert_entry, PreCert, no extensions
  const signed = Buffer.concat([
    Buffer.from([0, 0]),
    timestamp,
    u16(1),
    issuerKeyHash,
    tbsLength,
    tbs,
    u16(0),
  ]);
  const signature = sign('sha256', signed, log.privateKey);
  // hash sha256(4), signature ecdsa(3)
  const sct = Buffer.concat([
    Buffer.from([0]),
    log.logId,
    timestamp,
    u16(0),
    Buffer.from([4, 3]),
    u16(signature.length),
    signature,
  ]);
  const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
  return extension(OID.embeddedScts, false, octetString(list));
}

function caExtensions(keyId: Buffer, issuerKeyId: Buffer): Buffer[] {
  return [
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000_0110, one unused bit.
    extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x01, 0x06])),
    extension(OID.subjectKeyId, false, octetString(keyId)),
    extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, issuerKeyId))),
  ];
}

/** A self-signed root, as Fulcio's "sigstore" root. */
export function createRootAuthority(commonName: string, validity: Validity): Authority {
  const { privateKey, publicKey } = p256();
  const subject = name(commonName);
  const keyId = keyIdOf(publicKey);
  const der = certificate({
    issuer: subject,
    issuerKey: privateKey,
    subject,
    publicKey,
    validity,
    extensions: caExtensions(keyId, keyId),
  });
  return { name: subject, privateKey, publicKeyDer: spki(publicKey), keyId, der };
}

/** An intermediate signed by `parent`, as Fulcio's "sigstore-intermediate". */
export function createIntermediateAuthority(
  parent: Authority,
  commonName: string,
  validity: Validity,
): Authority {
  const { privateKey, publicKey } = p256();
  const subject = name(commonName);
  const keyId = keyIdOf(publicKey);
  const der = certificate({
    issuer: parent.name,
    issuerKey: parent.privateKey,
    subject,
    publicKey,
    validity,
    extensions: caExtensions(keyId, parent.keyId),
  });
  return { name: subject, privateKey, publicKeyDer: spki(publicKey), keyId, der };
}

/** A Fulcio-style leaf: empty subject, identity in the SAN, issuer in the Fulcio extensions. */
export function issueLeaf(parent: Authority, options: LeafOptions): Leaf {
  const { privateKey, publicKey } = p256();
  const san =
    'email' in options.identity
      ? implicitPrimitive(1, Buffer.from(options.identity.email, 'ascii'))
      : implicitPrimitive(6, Buffer.from(options.identity.uri, 'ascii'));
  const extensions = [
    // digitalSignature (bit 0): 0b1000_0000, seven unused bits.
    extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x07, 0x80])),
    ...(options.codeSigning === false
      ? []
      : [extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.codeSigning)))]),
    extension(OID.subjectKeyId, false, octetString(keyIdOf(publicKey))),
    extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, parent.keyId))),
    extension(OID.subjectAltName, true, sequence(san)),
    extension(OID.fulcioIssuerV1, false, Buffer.from(options.oidcIssuer, 'ascii')),
    extension(OID.fulcioIssuerV2, false, utf8String(options.oidcIssuer)),
  ];
  const leaf = {
    serial: newSerial(),
    issuer: parent.name,
    issuerKey: parent.privateKey,
    subject: sequence(),
    publicKey,
    validity: options,
    extensions,
  };
  if (options.ctLog) {
    const precertificate = tbsCertificate(leaf, sequence(objectIdentifier(OID.ecdsaWithSha256)));
    extensions.push(sctExtension(options.ctLog, parent, precertificate, options.notBefore));
  }
  return { der: certificate(leaf), privateKey };
}
