/** Settles with `promise`, or rejects as soon as `signal` aborts (for clients that cannot be cancelled). */
export async function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw abortReason(signal);
  let onAbort: (() => void) | undefined;
  // Rejects only with an Error (the abort reason); the client's own rejection passes through the race untouched.
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a reason that is not an Error (a string, usually) becomes its message
  return r instanceof Error ? r : new Error(String(r ?? 'aborted'));
}

/** Loads an optional peer dependency with an install hint when it is missing. */
export async function loadPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`the "${name}" package is needed for this step: npm install ${name}`, { cause: err });
    }
    throw err;
  }
}

/**
 * Closes a connection gracefully, or forcefully when that takes longer than `ms` (a peer that
 * stopped answering must not hold up the runner's `close`).
 */
export async function closeWithin(ms: number, graceful: () => Promise<unknown>, force: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    graceful().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  if (!finished) force();
}
