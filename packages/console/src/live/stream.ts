import { signal } from '@preact/signals';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { authorization, currentCredentials } from '../api/client';
import { loadAll, refreshKeys } from '../state/flags';

/** `connecting` before the first byte, `live` while events can arrive, `offline` between attempts. */
export type LiveStatus = 'connecting' | 'live' | 'offline';
export const liveStatus = signal<LiveStatus>('connecting');

/** Listeners for "these keys changed elsewhere", e.g. an open detail view. */
const keyListeners = new Set<(keys: readonly string[]) => void>();
export function onKeysChanged(listener: (keys: readonly string[]) => void): () => void {
  keyListeners.add(listener);
  return () => keyListeners.delete(listener);
}

// The server sends a comment every 15 s; silence for longer means the connection is gone.
const SILENCE_MS = 40_000;

/**
 * Follows `GET /v1/stream` (Server-Sent Events over fetch, so the credentials travel in a header
 * and never in the URL). Reconnects with `Last-Event-ID`; a `reset` event, or a reconnect without a
 * known id, reloads everything. Returns a function that stops following.
 */
export function followChanges(): () => void {
  let stopped = false;
  let lastEventId = '';
  let retryMs = 2000;
  let connectedBefore = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let pending = new Set<string>();
  let flush: ReturnType<typeof setTimeout> | undefined;

  const applyChanges = () => {
    flush = undefined;
    const keys = [...pending];
    pending = new Set();
    refreshKeys(keys).then(
      () => {
        for (const l of keyListeners) l(keys);
      },
      () => loadAll(),
    );
  };

  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => controller?.abort(), SILENCE_MS);
  };

  const connect = async () => {
    controller = new AbortController();
    liveStatus.value = connectedBefore ? 'offline' : 'connecting';
    const credentials = currentCredentials();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (credentials) headers.Authorization = authorization(credentials);
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    try {
      const response = await fetch('/v1/stream', { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      arm();
      liveStatus.value = 'live';
      if (connectedBefore && !lastEventId) void loadAll();
      connectedBefore = true;
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(
        new EventSourceParserStream({
          onRetry: (ms) => (retryMs = ms),
          onComment: arm,
        }),
      );
      const reader = events.getReader();
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        if (value.id) lastEventId = value.id;
        if (value.event === 'reset') {
          void loadAll();
        } else if (value.event === 'change') {
          const { keys } = JSON.parse(value.data) as { keys: string[] };
          for (const k of keys) pending.add(k);
          // Coalesce bursts (a batch of value updates) into one refresh.
          flush ??= setTimeout(applyChanges, 50);
        }
      }
    } catch {
      // Dropped, refused or aborted by the watchdog: shown as offline, retried below.
    }
    clearTimeout(watchdog);
    if (stopped) return;
    liveStatus.value = 'offline';
    timer = setTimeout(() => void connect(), retryMs);
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(watchdog);
    clearTimeout(flush);
    controller?.abort();
  };
}
