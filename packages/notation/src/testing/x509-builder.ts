// Test certificates built in DER by hand and signed with node:crypto (node can parse X.509 but not make
// it, and openssl's CLI cannot backdate): any subject, issuer, validity window, CA or leaf, EC P-256.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

function tlv(tag: number, content: Uint8Array): Buffer {
  const length = content.byteLength;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else header = [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}
const sequence = (...items: Uint8Array[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Uint8Array[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 + n, inner);
const octets = (content: Uint8Array) => tlv(0x04, content);
const bitString = (content: Uint8Array) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let rest = part >> 7; rest > 0; rest >>= 7) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(value: number | Buffer): Buffer {
  let bytes = typeof value === 'number' ? Buffer.from([value]) : value;
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function utcTime(date: Date): Buffer {
  const text = `${date.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function name(subject: Record<string, string>): Buffer {
  const oids: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', CN: '2.5.4.3' };
  const order = ['C', 'O', 'CN'].filter((key) => subject[key] !== undefined);
  return sequence(
    ...order.map((key) =>
      set(
        sequence(
          oid(oids[key] as string),
          tlv(key === 'C' ? 0x13 : 0x0c, Buffer.from(subject[key] as string)),
        ),
      ),
    ),
  );
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  privateKey: KeyObject;
  subject: Record<string, string>;
}

export interface CertificateOptions {
  subject: Record<string, string>;
  /** Absent: self-signed. */
  issuer?: TestCertificate;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

const DAY = 24 * 3600 * 1000;

export function makeCertificate(options: CertificateOptions): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = options.issuer?.privateKey ?? privateKey;
  const issuerName = options.issuer?.subject ?? options.subject;
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const basicConstraints = sequence(
    oid('2.5.29.19'),
    tlv(0x01, Buffer.from([0xff])),
    octets(options.ca ? sequence(tlv(0x01, Buffer.from([0xff]))) : sequence()),
  );
  // keyUsage: digitalSignature (bit 0) for a signer, keyCertSign (bit 5) for a CA
  const keyUsage = sequence(
    oid('2.5.29.15'),
    tlv(0x01, Buffer.from([0xff])),
    octets(tlv(0x03, options.ca ? Buffer.from([0x02, 0x04]) : Buffer.from([0x07, 0x80]))),
  );
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(Buffer.from(Array.from({ length: 8 }, () => Math.floor(Math.random() * 127) + 1))),
    ecdsaSha256,
    name(issuerName),
    sequence(
      utcTime(options.notBefore ?? new Date(Date.now() - DAY)),
      utcTime(options.notAfter ?? new Date(Date.now() + 365 * DAY)),
    ),
    name(options.subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(basicConstraints, keyUsage)),
  );
  const signature = sign('sha256', tbs, signer);
  const der = sequence(tbs, ecdsaSha256, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, privateKey, subject: options.subject };
}

export { DAY };
