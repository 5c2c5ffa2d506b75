// A real OpenLDAP server (Debian's slapd) for the LDAP tests: a temporary directory with a slapd.conf (mdb
// backend, suffix dc=example,dc=org), users and a service account loaded with slapadd, a CA and a server
// certificate made with openssl, listening on ldap:// (plain and StartTLS) and ldaps:// on free loopback ports.
// Groups are a `memberOf` attribute on the user entry (as Active Directory and the memberof overlay give it),
// since zot reads userGroupAttribute from the user entry itself. Start once per test file; stop in afterAll.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSelfSigned, makeSigned } from './server-tls-certs.js';

export const SUFFIX = 'dc=example,dc=org';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const SERVICE_DN = `cn=zot-search,${SUFFIX}`;
export const SERVICE_PASSWORD = 'search-secret';

export interface LdapUser {
  uid: string;
  password: string;
  /** Group DNs or names, written as memberOf values. */
  groups?: string[];
  /** Written as description, for userFilter tests. */
  description?: string;
}

export interface Slapd {
  directory: string;
  plainPort: number;
  ldapsPort: number;
  /** PEM file of the CA that signed the server certificate (for caCert). */
  caCertPath: string;
  /** Stops the server (SIGTERM) and waits for it to exit; start() brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server accepts connections (the kernel does) but never answers. */
  freeze(): void;
  thaw(): void;
  /** Stops it and removes the directory. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** RFC 2307 {SSHA}: base64(sha1(password + salt) + salt). */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function ldifOf(users: LdapUser[]): string {
  const entries = [
    `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example`,
    `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ${SERVICE_DN}\nobjectClass: person\nobjectClass: simpleSecurityObject\ncn: zot-search\nsn: search\nuserPassword: ${ssha(SERVICE_PASSWORD)}`,
    ...users.map((user) =>
      [
        `dn: uid=${user.uid},${PEOPLE}`,
        'objectClass: inetOrgPerson',
        'objectClass: zotMember',
        `uid: ${user.uid}`,
        `cn: ${user.uid}`,
        `sn: ${user.uid}`,
        `userPassword: ${ssha(user.password)}`,
        ...(user.description === undefined ? [] : [`description: ${user.description}`]),
        ...(user.groups ?? []).map((group) => `memberOf: ${group}`),
      ].join('\n'),
    ),
  ];
  return `${entries.join('\n\n')}\n`;
}

function configOf(directory: string): string {
  return `modulepath /usr/lib/ldap
moduleload back_mdb
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
# memberOf as a plain user attribute (Active Directory's OID), so slapadd can load it
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf' EQUALITY caseIgnoreMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'zotMember' SUP top AUXILIARY MAY memberOf )
pidfile ${join(directory, 'slapd.pid')}
TLSCACertificateFile ${join(directory, 'ca.crt')}
TLSCertificateFile ${join(directory, 'server.crt')}
TLSCertificateKeyFile ${join(directory, 'server.key')}
database mdb
maxsize 16777216
suffix "${SUFFIX}"
rootdn "cn=admin,${SUFFIX}"
rootpw admin-secret
directory ${join(directory, 'db')}
access to attrs=userPassword by anonymous auth by * none
access to * by * read
`;
}

async function answers(port: number): Promise<boolean> {
  try {
    execFileSync('ldapsearch', ['-x', '-H', `ldap://127.0.0.1:${port}`, '-b', SUFFIX, '-s', 'base', 'dc'], {
      stdio: 'ignore',
      timeout: 2000,
    });
    return true;
  } catch {
    return false;
  }
}

export async function startSlapd(users: LdapUser[]): Promise<Slapd> {
  const directory = mkdtempSync(join(tmpdir(), 'zot-slapd-'));
  mkdirSync(join(directory, 'db'));
  makeSelfSigned(directory, 'ca', '/CN=zot test LDAP CA');
  makeSigned(
    directory,
    'server',
    'ca',
    '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE',
  );
  const conf = join(directory, 'slapd.conf');
  writeFileSync(conf, configOf(directory));
  writeFileSync(join(directory, 'data.ldif'), ldifOf(users));
  execFileSync('slapadd', ['-f', conf, '-l', join(directory, 'data.ldif')], { stdio: 'pipe' });
  const plainPort = await freePort();
  const ldapsPort = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    // -d 0: stay in the foreground (so it is our child and dies with us), logging nothing
    child = spawn(
      '/usr/sbin/slapd',
      ['-h', `ldap://127.0.0.1:${plainPort}/ ldaps://127.0.0.1:${ldapsPort}/`, '-f', conf, '-d', '0'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await answers(plainPort))) {
      if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('slapd did not answer within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    running.kill('SIGCONT');
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    directory,
    plainPort,
    ldapsPort,
    caCertPath: join(directory, 'ca.crt'),
    start,
    stop,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async dispose() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
