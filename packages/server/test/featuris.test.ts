import { describe, expect, it } from 'vitest';
import { sharedTestServer, testServer } from './helpers';

const s = sharedTestServer();

describe('Featuris flag sets', () => {
  it('serves one environment chosen with ?env=, at /:set and /manifests/:set', async () => {
    for (const path of ['/ab-tests?env=development', '/manifests/ab-tests?env=development']) {
      const res = await s.http.get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        checkout_page: { value: true, error: false, message: 'OK', toggle: true },
        purchase_button_component: { value: 'a', error: false, message: 'OK', toggle: 'a' },
        display_christmas_banner: { value: false, error: false, message: 'OK', toggle: false },
        _env: 'development',
      });
    }
  });

  it('serves every environment when none is set', async () => {
    const res = await s.http.get('/ab-tests');
    expect(Object.keys(res.body.checkout_page)).toEqual(['development', 'staging', 'production']);
    expect(res.body.checkout_page.production).toEqual({ value: false, error: false, message: 'OK', toggle: false });
    expect(res.body.display_christmas_banner.production).toEqual({
      value: false,
      error: false,
      message: 'OK',
      toggle: { type: 'schedule', values: [{ from: '2017-12-25 00:00:00', to: '2018-01-05 23:59:59' }] },
    });
    expect(res.body._env).toBe('undefined');
  });

  it('keeps variants sticky per targetingKey and spreads callers across variants', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const a = await s.http.get(`/ab-tests?env=production&targetingKey=user-${i}`);
      const b = await s.http.get(`/ab-tests?env=production&targetingKey=user-${i}`);
      expect(b.body.purchase_button_component.value).toBe(a.body.purchase_button_component.value);
      seen.add(a.body.purchase_button_component.value);
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('supports flag sets in folders and 404s unknown sets', async () => {
    const nested = await s.http.get('/platform/toggles?env=production');
    expect(nested.status).toBe(200);
    expect(nested.body['/check/priority']).toMatchObject({ value: 1, error: false });
    expect((await s.http.get('/manifests/platform/toggles')).status).toBe(200);
    const missing = await s.http.get('/no-such-set');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'NOT_FOUND', message: 'flag set "no-such-set" not found' } });
  });

  it('uses the server default environment (NODE_ENV) when the query has none', async () => {
    const prod = await testServer({ env: { NODE_ENV: 'staging' } });
    try {
      const res = await prod.http.get('/ab-tests');
      expect(res.body.checkout_page).toEqual({ value: true, error: false, message: 'OK', toggle: true });
      expect(res.body._env).toBe('staging');
    } finally {
      await prod.close();
    }
  });
});
