import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry } from '@switchyard/core';
import { admin } from '../api/client';
import { ErrorAlert, LoadedList, SearchFilter } from '../components/controls';
import { onKeysChanged } from '../live/stream';
import { formatInstant } from '../lib/format';

const PAGE = 50;

/** Who changed what, newest first, with the state before and after each change. */
export function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [key, setKey] = useState(() => new URLSearchParams(location.search).get('key') ?? '');
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const load = async (beforeId?: number) => {
    const query = { limit: PAGE, ...(key.trim() ? { key: key.trim() } : {}), ...(beforeId !== undefined ? { beforeId } : {}) };
    try {
      const res = await admin((api, o) => api.listAudit(query, o));
      setEntries((prev) => (beforeId !== undefined && prev ? [...prev, ...res.entries] : res.entries));
      setMore(res.entries.length === PAGE);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useEffect(() => {
    const t = setTimeout(() => void load(), 200);
    // New changes appear at the top as they happen.
    const stop = onKeysChanged(() => void load());
    return () => {
      clearTimeout(t);
      stop();
    };
  }, [key]);

  return (
    <div class="page">
      <div class="page-head">
        <h1>Audit log</h1>
      </div>
      <div class="filters" role="search">
        <SearchFilter id="audit-key" label="Flag key" placeholder="all flags" value={key} onInput={setKey} />
      </div>
      <ErrorAlert message={error} />
      <LoadedList items={entries} empty={`No changes recorded${key ? ` for “${key}”` : ''}.`}>
        {(list) => (
          <ol class="audit" data-testid="audit">
            {list.map((e) => (
              <li key={e.id} class="panel audit-entry">
                <div class="row">
                  <strong>{e.key}</strong>
                  <span class="badge">{e.action}</span>
                  <span class="muted">by {e.actor}</span>
                  <time class="muted" dateTime={e.at}>
                    {formatInstant(e.at)}
                  </time>
                </div>
                <details>
                  <summary>Before / after</summary>
                  <div class="diff">
                    <div>
                      <h3>Before</h3>
                      <pre>{JSON.stringify(e.before, null, 2)}</pre>
                    </div>
                    <div>
                      <h3>After</h3>
                      <pre>{JSON.stringify(e.after, null, 2)}</pre>
                    </div>
                  </div>
                </details>
              </li>
            ))}
          </ol>
        )}
      </LoadedList>
      {more && entries && (
        <button type="button" onClick={() => void load(entries[entries.length - 1]!.id)}>
          Load older changes
        </button>
      )}
    </div>
  );
}
