import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitForPort } from './private-redis';

/** A PostgreSQL cluster owned by one test run, in a temp directory, on a spare loopback port. */
export interface PrivatePostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth). */
  url: string;
  /** SIGKILL to the postmaster: connections drop, nothing shuts down cleanly. */
  kill(): Promise<void>;
  /** Starts the cluster again (crash recovery replays the WAL). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`, if any. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

/** `runuser` by absolute path: a minimal PATH (e.g. a CI shell's) often lacks the sbin folders. */
function runuserPath(): string | undefined {
  return ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser'].find((p) => existsSync(p));
}

/**
 * Why a private cluster cannot be started here, or `undefined` when it can. PostgreSQL refuses to
 * run as root, so as root the `postgres` user must exist (commands then run through `runuser`).
 */
export function privatePostgresProblem(): string | undefined {
  if (!postgresBinDir()) return 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() === 0) {
    if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) return 'running as root without a postgres user';
    if (!runuserPath()) return 'running as root without runuser (util-linux) to switch to the postgres user';
  }
  return undefined;
}

/** `initdb` + `pg_ctl start` in a temp directory; resolves once the server accepts connections. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const problem = privatePostgresProblem();
  if (!bin || problem) throw new Error(`cannot start a private PostgreSQL: ${problem}`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const full = path.join(bin, command);
    const result = asRoot ? spawnSync(runuserPath()!, ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8' }) : spawnSync(full, args, { encoding: 'utf8' });
    if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '20', 'start']);
    await waitForPort(port, 5000);
  };
  const postmasterPid = () => {
    const file = path.join(data, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  };
  const kill = async () => {
    const pid = postmasterPid();
    if (!pid || !alive(pid)) return;
    // The postmaster and every backend at once, as a crash would: no clean shutdown, no checkpoint.
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const p of [pid, ...children]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [pid, ...children].some(alive)) await new Promise((r) => setTimeout(r, 10));
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill,
    restart: start,
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already down (killed by a test): nothing to stop.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
