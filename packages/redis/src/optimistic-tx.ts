// Read-modify-write transactions over Redis for logic written as synchronous functions (metastore's
// RepoMetaBackend hands a synchronous `tx` to its callers), safe with many writers on many instances.
//
// How: run `fn` against a snapshot of the keys it reads. Keys are discovered as `fn` asks for them: a key not yet
// in the snapshot reads as absent for this run, and once `fn` returns, every key seen so far is fetched again in
// one Lua call (one atomic snapshot) and `fn` runs again, until it asks for nothing new. Its writes are buffered.
// The commit is one Lua script: it compares the SHA-1 of every key read with what this run saw and applies the
// writes only when none changed (compare-and-set over the whole read set); otherwise the run starts again on a
// fresh snapshot. A writer therefore never overwrites an update it did not see: no lost updates, no torn records.
// Plain keys are strings; "sets" are Redis sets, read as their sorted members. One Redis (not a cluster): the
// scripts touch keys of several hash slots.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface TxView {
  get(key: string): string | undefined;
  /** A set's members, sorted. */
  members(key: string): string[];
  set(key: string, value: string): void;
  del(key: string): void;
  sadd(key: string, member: string): void;
  srem(key: string, member: string): void;
}

type Kind = 's' | 'm'; // string key or set key
type Write = ['set' | 'sadd' | 'srem', string, string] | ['del', string, ''];

// KEYS: the keys; ARGV: one kind per key. Returns per key: the string (or false) or the sorted members.
const FETCH = `
local out = {}
for i, key in ipairs(KEYS) do
  if ARGV[i] == 'm' then
    local m = redis.call('SMEMBERS', key); table.sort(m); out[i] = m
  else
    out[i] = redis.call('GET', key)
  end
end
return out`;

// KEYS: read keys then written keys. ARGV[1]: number of read keys; then per read key: kind, sha ('-' = absent);
// then per write: op, key index (1-based into KEYS), value. Returns 1 when applied, 0 on a conflict.
const COMMIT = `
local reads = tonumber(ARGV[1])
for i = 1, reads do
  local kind, expected, seen = ARGV[2 * i], ARGV[2 * i + 1], '-'
  if kind == 'm' then
    local m = redis.call('SMEMBERS', KEYS[i]); table.sort(m)
    seen = redis.sha1hex(table.concat(m, '\\n'))
  else
    local v = redis.call('GET', KEYS[i]); if v then seen = redis.sha1hex(v) end
  end
  if seen ~= expected then return 0 end
end
local at = 2 * reads + 2
while at <= #ARGV do
  local op, key, value = ARGV[at], KEYS[tonumber(ARGV[at + 1])], ARGV[at + 2]
  if op == 'set' then redis.call('SET', key, value)
  elseif op == 'del' then redis.call('DEL', key)
  elseif op == 'sadd' then redis.call('SADD', key, value)
  else redis.call('SREM', key, value) end
  at = at + 3
end
return 1`;

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

export class TxConflictError extends Error {}

export interface OptimisticTx {
  write<T>(fn: (tx: TxView) => T): Promise<T>;
  read<T>(fn: (tx: TxView) => T): Promise<T>;
}

export function createOptimisticTx(redis: Redis, options: { maxAttempts?: number } = {}): OptimisticTx {
  const maxAttempts = options.maxAttempts ?? 100;

  async function fetch(keys: Map<string, Kind>): Promise<Map<string, string | string[] | undefined>> {
    const names = [...keys.keys()];
    if (names.length === 0) return new Map();
    const values = (await redis.eval(
      FETCH,
      names.length,
      ...names,
      ...names.map((n) => keys.get(n) as Kind),
    )) as Array<string | string[] | null>;
    return new Map(names.map((name, i) => [name, values[i] ?? undefined]));
  }

  /** Runs `fn` until it reads nothing outside one atomic snapshot; returns its result, reads and writes. */
  async function settle<T>(fn: (tx: TxView) => T, known: Map<string, Kind>) {
    for (let round = 0; ; round++) {
      const snapshot = await fetch(known);
      const missing = new Map<string, Kind>();
      const writes: Write[] = [];
      const overlay = new Map<string, string | undefined>();
      const setOverlay = new Map<string, Set<string>>();
      const readString = (key: string): string | undefined => {
        if (overlay.has(key)) return overlay.get(key);
        if (!known.has(key)) missing.set(key, 's');
        return snapshot.get(key) as string | undefined;
      };
      // set changes made before the set was read: a blind SADD/SREM needs no read (no conflict on the whole set)
      const blindSetOps = new Map<string, Array<(members: Set<string>) => void>>();
      const readSet = (key: string): Set<string> => {
        let members = setOverlay.get(key);
        if (members === undefined) {
          if (!known.has(key)) missing.set(key, 'm');
          members = new Set((snapshot.get(key) as string[] | undefined) ?? []);
          for (const op of blindSetOps.get(key) ?? []) op(members);
          setOverlay.set(key, members);
        }
        return members;
      };
      const changeSet = (key: string, op: (members: Set<string>) => void): void => {
        const members = setOverlay.get(key);
        if (members !== undefined) op(members);
        else blindSetOps.set(key, [...(blindSetOps.get(key) ?? []), op]);
      };
      const view: TxView = {
        get: readString,
        members: (key) => [...readSet(key)].sort(),
        set: (key, value) => {
          overlay.set(key, value);
          writes.push(['set', key, value]);
        },
        del: (key) => {
          overlay.set(key, undefined);
          writes.push(['del', key, '']);
        },
        sadd: (key, member) => {
          changeSet(key, (members) => members.add(member));
          writes.push(['sadd', key, member]);
        },
        srem: (key, member) => {
          changeSet(key, (members) => members.delete(member));
          writes.push(['srem', key, member]);
        },
      };
      let result: T;
      try {
        result = fn(view);
      } catch (error) {
        // a run on a partial snapshot may fail for want of what it did not see yet: retry with it
        if (missing.size === 0 || round > 20) throw error;
        for (const [key, kind] of missing) known.set(key, kind);
        continue;
      }
      if (missing.size === 0) return { result, snapshot, writes };
      if (round > 20) throw new Error('redis transaction kept discovering keys');
      for (const [key, kind] of missing) known.set(key, kind);
    }
  }

  async function commit(
    known: Map<string, Kind>,
    snapshot: Map<string, string | string[] | undefined>,
    writes: Write[],
  ): Promise<boolean> {
    const keys = [...known.keys()];
    const args: string[] = [String(keys.length)];
    for (const key of keys) {
      const value = snapshot.get(key);
      const kind = known.get(key) as Kind;
      const text =
        kind === 'm' ? ((value as string[] | undefined)?.join('\n') ?? '') : (value as string | undefined);
      args.push(kind, text === undefined ? '-' : sha1(text));
    }
    const index = new Map(keys.map((key, i) => [key, i + 1]));
    for (const [op, key, value] of writes) {
      if (!index.has(key)) {
        keys.push(key);
        index.set(key, keys.length);
      }
      args.push(op, String(index.get(key)), value);
    }
    return (await redis.eval(COMMIT, keys.length, ...keys, ...args)) === 1;
  }

  return {
    async read(fn) {
      return (await settle(fn, new Map())).result;
    },
    async write(fn) {
      const known = new Map<string, Kind>();
      for (let attempt = 1; ; attempt++) {
        const { result, snapshot, writes } = await settle(fn, known);
        if (writes.length === 0 || (await commit(known, snapshot, writes))) return result;
        if (attempt >= maxAttempts)
          throw new TxConflictError(`redis transaction lost ${attempt} races in a row`);
        // another instance wrote what we read: back off a little (jittered) and run again on a fresh snapshot
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 2)));
      }
    },
  };
}
