import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port';

/** A `redis-server` owned by one test run: loopback only, no persistence, killable and restartable. */
export interface PrivateRedis {
  port: number;
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  /** Ends the server abruptly (SIGKILL): clients see the connection drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps no data, as after a crash without persistence). */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  stop(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server --port <spare> --save ''` and resolves once it accepts connections. Without
 * `durableDir` it keeps nothing (`--appendonly no`); with it, every write is fsynced to an
 * append-only file there, so acknowledged writes survive `kill()` + `restart()`.
 */
export async function startPrivateRedis(options: { durableDir?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const persistence = options.durableDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.durableDir] : ['--appendonly', 'no'];
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    await waitForPort(port, 5000);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      child?.kill('SIGCONT');
      await kill();
    },
  };
}

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing accepted connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
