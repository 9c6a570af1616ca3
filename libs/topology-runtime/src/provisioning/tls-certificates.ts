import { access, chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runProgram } from '../run-program.js';
import type { ServerOsUser } from '../embedded/server-os-user.js';

/** Where a local certificate authority and the server certificate it signed live. */
export interface LocalCertificates {
  /** The CA certificate clients verify servers with (`sslrootcert`). */
  caFile: string;
  /** The server's certificate and key (`ssl_cert_file`, `ssl_key_file`). */
  certFile: string;
  keyFile: string;
}

export interface LocalCertificateOptions {
  /** The server's names, written into the certificate's subjectAltName: IP addresses and host names. */
  hosts: string[];
  /** The OS user the servers run as: it must own the key (PostgreSQL refuses a key others can read). */
  user?: ServerOsUser | undefined;
  /** The `openssl` program; default from PATH. */
  openssl?: string;
  log?: (line: string) => void;
}

const DAYS = 825;

/**
 * A local CA and one server certificate signed by it, made in `dir` with the `openssl` program
 * (node:crypto cannot write X.509) the first time, and reused afterwards: clients keep trusting
 * the same CA across restarts. Kept with the data, as the servers' keys are.
 */
export async function ensureLocalCertificates(dir: string, options: LocalCertificateOptions): Promise<LocalCertificates> {
  const files: LocalCertificates = {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
  if (await allExist(Object.values(files))) return files;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const openssl = options.openssl ?? 'openssl';
  const caKey = path.join(dir, 'ca.key');
  const csr = path.join(dir, 'server.csr');
  const extensions = path.join(dir, 'server.ext');
  const altNames = options.hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  await runProgram(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    files.caFile,
    '-days',
    String(DAYS),
    '-subj',
    '/CN=Neo local CA',
  ]);
  await runProgram(openssl, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.keyFile,
    '-out',
    csr,
    '-subj',
    `/CN=${options.hosts[0] ?? 'localhost'}`,
  ]);
  await writeFile(extensions, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
  await runProgram(openssl, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    files.caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    files.certFile,
    '-days',
    String(DAYS),
    '-extfile',
    extensions,
  ]);
  await chmod(files.keyFile, 0o600);
  await chmod(caKey, 0o600);
  if (options.user) {
    await chown(dir, options.user.uid, options.user.gid);
    for (const file of [files.certFile, files.keyFile, files.caFile]) await chown(file, options.user.uid, options.user.gid);
  }
  options.log?.(`made a local CA and a server certificate for ${options.hosts.join(', ')} in ${dir}`);
  return files;
}

async function allExist(files: string[]): Promise<boolean> {
  try {
    await Promise.all(files.map((file) => access(file)));
    return true;
  } catch {
    return false;
  }
}
