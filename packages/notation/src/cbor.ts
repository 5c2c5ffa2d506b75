// The part of CBOR (RFC 8949) a COSE_Sign1 envelope (RFC 9052) uses: unsigned and negative integers, byte
// and text strings, arrays, maps, tags, simple values; definite lengths only (COSE requires deterministic,
// definite-length encoding). Decoding is bounded: nesting depth and every length are checked against the
// input, so a hostile envelope cannot make us allocate more than it holds.

export class CborError extends Error {}

/** A tagged item (tag 18 is COSE_Sign1, tag 1 an epoch time). */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | undefined
  | CborValue[]
  | Map<CborValue, CborValue>
  | CborTag;

const MAX_DEPTH = 32;

export function decodeCbor(bytes: Uint8Array): CborValue {
  let offset = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  function need(count: number): void {
    if (count < 0 || offset + count > bytes.byteLength) throw new CborError('truncated CBOR');
  }

  function argument(info: number): number | bigint {
    if (info < 24) return info;
    if (info === 24) {
      need(1);
      offset += 1;
      return bytes[offset - 1] as number;
    }
    if (info === 25) {
      need(2);
      offset += 2;
      return view.getUint16(offset - 2);
    }
    if (info === 26) {
      need(4);
      offset += 4;
      return view.getUint32(offset - 4);
    }
    if (info === 27) {
      need(8);
      offset += 8;
      const big = view.getBigUint64(offset - 8);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    throw new CborError(
      `unsupported CBOR additional information ${info} (indefinite lengths are not allowed)`,
    );
  }

  function length(info: number): number {
    const value = argument(info);
    if (typeof value === 'bigint') throw new CborError('CBOR length too large');
    return value;
  }

  function item(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new CborError('CBOR nested too deeply');
    need(1);
    const initial = bytes[offset++] as number;
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return argument(info);
      case 1: {
        const value = argument(info);
        return typeof value === 'bigint' ? -1n - value : -1 - value;
      }
      case 2: {
        const size = length(info);
        need(size);
        offset += size;
        // a plain view, whatever kind of Uint8Array came in (a Buffer's subarray is a Buffer)
        return new Uint8Array(bytes.buffer, bytes.byteOffset + offset - size, size);
      }
      case 3: {
        const size = length(info);
        need(size);
        offset += size;
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(offset - size, offset));
      }
      case 4: {
        const size = length(info);
        need(size); // every element takes at least one byte
        const array: CborValue[] = [];
        for (let i = 0; i < size; i++) array.push(item(depth + 1));
        return array;
      }
      case 5: {
        const size = length(info);
        need(size * 2);
        const map = new Map<CborValue, CborValue>();
        for (let i = 0; i < size; i++) {
          const key = item(depth + 1);
          map.set(key, item(depth + 1));
        }
        return map;
      }
      case 6: {
        const tag = argument(info);
        return new CborTag(Number(tag), item(depth + 1));
      }
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        throw new CborError(`unsupported CBOR simple value ${info}`);
    }
  }

  const value = item(0);
  if (offset !== bytes.byteLength) throw new CborError('trailing bytes after CBOR item');
  return value;
}

function head(major: number, value: number): Uint8Array {
  if (value < 24) return Uint8Array.of((major << 5) | value);
  if (value < 0x100) return Uint8Array.of((major << 5) | 24, value);
  if (value < 0x10000) return Uint8Array.of((major << 5) | 25, value >> 8, value & 0xff);
  if (value < 0x100000000) {
    const out = new Uint8Array(5);
    out[0] = (major << 5) | 26;
    new DataView(out.buffer).setUint32(1, value);
    return out;
  }
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(value));
  return out;
}

/** Encodes integers, strings, byte strings, arrays, maps (in insertion order), tags, booleans and null. */
export function encodeCbor(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  const write = (v: CborValue): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new CborError('only integers are encoded');
      parts.push(v >= 0 ? head(0, v) : head(1, -1 - v));
    } else if (typeof v === 'string') {
      const utf8 = new TextEncoder().encode(v);
      parts.push(head(3, utf8.byteLength), utf8);
    } else if (v instanceof Uint8Array) {
      parts.push(head(2, v.byteLength), v);
    } else if (Array.isArray(v)) {
      parts.push(head(4, v.length));
      for (const element of v) write(element);
    } else if (v instanceof Map) {
      parts.push(head(5, v.size));
      for (const [key, element] of v) {
        write(key);
        write(element);
      }
    } else if (v instanceof CborTag) {
      parts.push(head(6, v.tag));
      write(v.value);
    } else if (v === true || v === false) {
      parts.push(Uint8Array.of(v ? 0xf5 : 0xf4));
    } else if (v === null) {
      parts.push(Uint8Array.of(0xf6));
    } else {
      throw new CborError(`cannot encode ${typeof v}`);
    }
  };
  write(value);
  return Buffer.concat(parts);
}
