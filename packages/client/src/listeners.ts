/** Events of `SwitchyardClient`. */
export interface ClientEvents {
  /** Keys whose definition or maintained values changed (added and removed keys included). */
  change: (keys: string[]) => void;
  /** The client is synchronized with the server (again). */
  ready: () => void;
  /** The server was lost; the last known snapshot is served until it comes back. */
  stale: (error: Error) => void;
  /** A problem that does not stop the client. */
  error: (error: Error) => void;
}

type Listener = (...args: never[]) => void;

/** A minimal typed event emitter; a throwing listener never breaks the client or the other listeners. */
export class Listeners {
  private readonly byEvent = new Map<keyof ClientEvents, Set<Listener>>();

  add<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): void {
    const set = this.byEvent.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (...a: Parameters<ClientEvents[E]>) => void)(...args);
      } catch {
        // A failing listener must not stop synchronization.
      }
    }
  }
}
