import type { PoolClient, QueryResultRow } from 'pg';
import {
  checkFeatureArgs,
  checkFeatureNames,
  checkKey,
  checkTtl,
  toJson,
  type FeatureCache,
  type FeatureValueOptions,
  type JsonValue,
  type StoreChange,
  type StoreKit,
} from '@switchyard/core';
import type { Tables } from './tables';

/** Expired cache rows are swept at most this often, piggybacking on `cacheSet`. */
const CACHE_SWEEP_INTERVAL_MS = 60_000;

/** What the feature tables need from the store. */
export interface FeatureTablesContext {
  kit: StoreKit;
  t: Tables;
  read<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  write<T>(fn: (c: PoolClient) => Promise<T>): Promise<T>;
  /** Queues the NOTIFY of a change in the transaction of `c`. */
  notify(c: PoolClient, change: StoreChange): Promise<void>;
}

/** Feature results and the TTL cache on PostgreSQL (`features` and `cache` tables). */
export class PostgresFeatureCache implements FeatureCache {
  #lastSweep = 0;

  constructor(private readonly ctx: FeatureTablesContext) {}

  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.ctx.kit.featureValues(feature, scopeIds, async (out) => {
      const rows = await this.ctx.read<{ scope_id: string; value: JsonValue }>(
        `SELECT scope_id, value FROM ${this.ctx.t.features} WHERE feature = $1 AND scope_id = ANY($2::text[])`,
        [feature, scopeIds],
      );
      for (const row of rows) out.set(row.scope_id, row.value);
    });
  }

  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    const { kit, t } = this.ctx;
    return kit.op('setFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const json = toJson(value, 'value');
      const insert = `INSERT INTO ${t.features} (feature, scope_id, value, updated_at) VALUES ($1, $2, $3, now())`;
      const stored = await this.ctx.write(async (c) => {
        if (!options.onlyIfAbsent) {
          await c.query(`${insert} ON CONFLICT (feature, scope_id) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`, [
            feature,
            scopeId,
            json,
          ]);
          await this.ctx.notify(c, kit.change('features', [feature]));
          return { value, changed: true };
        }
        const inserted = await c.query<{ value: JsonValue }>(`${insert} ON CONFLICT (feature, scope_id) DO NOTHING RETURNING value`, [feature, scopeId, json]);
        if (inserted.rows.length) {
          await this.ctx.notify(c, kit.change('features', [feature]));
          return { value, changed: true };
        }
        // A fresh statement sees the row a concurrent transaction committed after ours started.
        const existing = await c.query<{ value: JsonValue }>(`SELECT value FROM ${t.features} WHERE feature = $1 AND scope_id = $2`, [feature, scopeId]);
        const row = existing.rows[0];
        return { value: row ? row.value : value, changed: false };
      });
      if (stored.changed) kit.committed('features', [feature]);
      return stored.value;
    });
  }

  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    return this.ctx.kit.op('updateFeatureValues', async () => {
      checkFeatureArgs(feature, []);
      const json = toJson(value, 'value');
      return this.#changeRows(feature, `UPDATE ${this.ctx.t.features} SET value = $2, updated_at = now() WHERE feature = $1`, [feature, json]);
    });
  }

  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.ctx.kit.op('deleteFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      await this.#changeRows(feature, `DELETE FROM ${this.ctx.t.features} WHERE feature = $1 AND scope_id = $2`, [feature, scopeId]);
    });
  }

  purgeFeatures(features?: string[]): Promise<number> {
    const { kit, t } = this.ctx;
    return kit.op('purgeFeatures', async () => {
      checkFeatureNames(features);
      if (features?.length === 0) return 0;
      const purged = await this.ctx.write(async (c) => {
        const { rows } = await c.query<{ feature: string; n: number }>(
          `WITH d AS (
             DELETE FROM ${t.features} WHERE $1::text[] IS NULL OR feature = ANY($1::text[]) RETURNING feature
           ), counts AS (SELECT feature, count(*)::int AS n FROM d GROUP BY feature),
           a AS (
             INSERT INTO ${t.audit} (at, actor, action, key, before, after)
             SELECT now(), 'system', 'feature.purge', feature, to_jsonb(n), 'null'::jsonb FROM counts ORDER BY feature
           )
           SELECT feature, n FROM counts ORDER BY feature`,
          [features ?? null],
        );
        if (rows.length) await this.ctx.notify(c, kit.change('features', rows.map((r) => r.feature)));
        return rows;
      });
      if (purged.length) kit.committed('features', purged.map((r) => r.feature));
      return purged.reduce((sum, r) => sum + r.n, 0);
    });
  }

  listFeatures(): Promise<string[]> {
    return this.ctx.kit.op('listFeatures', async () => {
      const rows = await this.ctx.read<{ feature: string }>(`SELECT DISTINCT feature FROM ${this.ctx.t.features} ORDER BY feature`);
      return rows.map((r) => r.feature);
    });
  }

  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.ctx.kit.op('cacheGet', async () => {
      checkKey(key);
      const rows = await this.ctx.read<{ value: JsonValue }>(
        `SELECT value FROM ${this.ctx.t.cache} WHERE key = $1 AND (expires_at IS NULL OR expires_at > clock_timestamp())`,
        [key],
      );
      return rows[0]?.value;
    });
  }

  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    const { t } = this.ctx;
    return this.ctx.kit.op('cacheSet', async () => {
      checkKey(key);
      checkTtl(ttlMs);
      const json = toJson(value, 'value');
      const sweep = Date.now() - this.#lastSweep > CACHE_SWEEP_INTERVAL_MS;
      if (sweep) this.#lastSweep = Date.now();
      await this.ctx.write(async (c) => {
        await c.query(
          `INSERT INTO ${t.cache} (key, value, expires_at)
           VALUES ($1, $2, CASE WHEN $3::double precision IS NULL THEN NULL ELSE clock_timestamp() + $3::double precision * interval '1 millisecond' END)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
          [key, json, ttlMs ?? null],
        );
        if (sweep) await c.query(`DELETE FROM ${t.cache} WHERE expires_at <= clock_timestamp()`);
      });
    });
  }

  cacheDelete(key: string): Promise<void> {
    return this.ctx.kit.op('cacheDelete', async () => {
      checkKey(key);
      await this.ctx.write((c) => c.query(`DELETE FROM ${this.ctx.t.cache} WHERE key = $1`, [key]));
    });
  }

  /** Runs one statement over a feature's rows; reports a `features` change when it touched any. Returns how many. */
  async #changeRows(feature: string, sql: string, params: unknown[]): Promise<number> {
    const count = await this.ctx.write(async (c) => {
      const n = (await c.query(sql, params)).rowCount ?? 0;
      if (n > 0) await this.ctx.notify(c, this.ctx.kit.change('features', [feature]));
      return n;
    });
    if (count > 0) this.ctx.kit.committed('features', [feature]);
    return count;
  }
}
