import type { AcceptanceSource, JsonObject } from '@switchyard/core';

/** Pivotal Tracker's REST API (v5). */
export const PIVOTAL_TRACKER_URL = 'https://www.pivotaltracker.com/services/v5';

export interface PivotalTrackerOptions {
  /** API token, sent as `X-TrackerToken`. */
  token: string;
  /** Base URL of the API; default {@link PIVOTAL_TRACKER_URL} (a proxy or a test double may stand in). */
  url?: string;
  /** Project of items that name none (`{storyId}` alone). */
  project?: number | string;
  /** How long answers are reused before they are fetched again. Default: the engine's `acceptanceTtlMs` (60 s). */
  cacheTtlMs?: number;
  /** Longest wait for one request. Default 5000 ms. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
}

/** An item Pivotal Tracker can answer for: a story of a project. */
interface StoryRef {
  projectId: string;
  storyId: string;
}

const ID = /^\d{1,20}$/;

function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && ID.test(value)) return value;
  return undefined;
}

/**
 * Why an acceptance item cannot be looked up in Pivotal Tracker, or `undefined` when it can. Items
 * are the Featuris `values` entries: `{projectId, storyId}` (`project_id`/`story_id` and `id` are
 * accepted), the project may come from the source's configuration.
 */
export function pivotalItemProblem(item: JsonObject, defaultProject?: number | string): string | undefined {
  return storyRef(item, defaultProject) ? undefined : 'needs a numeric storyId and a projectId (or a project configured for the source)';
}

function storyRef(item: JsonObject, defaultProject?: number | string): StoryRef | undefined {
  const storyId = idOf(item.storyId ?? item.story_id ?? item.id);
  const projectId = idOf(item.projectId ?? item.project_id ?? defaultProject);
  return storyId && projectId ? { projectId, storyId } : undefined;
}

/**
 * An acceptance source answering from Pivotal Tracker: the state of each story is its
 * `current_state` (`unstarted`, `started`, `finished`, `delivered`, `accepted`, `rejected`…), read
 * with `GET /projects/{projectId}/stories/{storyId}`. A story the API does not know (404) or an item
 * without ids has no state, so the rule is not accepted; a refused token, a server error or a
 * timeout fails the whole answer, and the engine keeps the last one it had.
 */
export function pivotalTrackerSource(options: PivotalTrackerOptions): AcceptanceSource {
  if (!options.token) throw new Error('a Pivotal Tracker acceptance source needs an API token');
  const base = (options.url ?? PIVOTAL_TRACKER_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const stateOf = async (ref: StoryRef): Promise<string | undefined> => {
    const url = `${base}/projects/${ref.projectId}/stories/${ref.storyId}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { 'X-TrackerToken': options.token, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      throw new Error(`Pivotal Tracker at ${base} is unreachable: ${reason}`, { cause: err });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const why = response.status === 401 || response.status === 403 ? 'refused the API token' : 'failed';
      throw new Error(`Pivotal Tracker ${why} (HTTP ${response.status} for story ${ref.storyId} of project ${ref.projectId})`);
    }
    const story = (await response.json()) as { current_state?: unknown };
    return typeof story.current_state === 'string' ? story.current_state : undefined;
  };

  const source: AcceptanceSource = {
    async states(items) {
      const out = new Array<string | undefined>(items.length).fill(undefined);
      let next = 0;
      const worker = async () => {
        while (next < items.length) {
          const i = next++;
          const ref = storyRef(items[i]!, options.project);
          if (ref) out[i] = await stateOf(ref);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
      return out;
    },
  };
  return options.cacheTtlMs === undefined ? source : { ...source, ttlMs: options.cacheTtlMs };
}
