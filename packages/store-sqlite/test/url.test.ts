import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MEMORY_PATH, sqlitePathFromUrl } from '../src/index';

describe('sqlitePathFromUrl', () => {
  test('relative paths resolve against the working directory', () => {
    expect(sqlitePathFromUrl(new URL('sqlite:./data/switchyard.db'), '/srv/app')).toBe('/srv/app/data/switchyard.db');
    expect(sqlitePathFromUrl(new URL('sqlite:data.db'), '/srv/app')).toBe('/srv/app/data.db');
    expect(sqlitePathFromUrl(new URL('sqlite:../shared/x.db'), '/srv/app')).toBe('/srv/shared/x.db');
  });

  test('absolute paths stay absolute, with or without the empty authority', () => {
    expect(sqlitePathFromUrl(new URL('sqlite:///var/lib/switchyard/flags.db'), '/srv/app')).toBe('/var/lib/switchyard/flags.db');
    expect(sqlitePathFromUrl(new URL('sqlite:/var/lib/flags.db'), '/srv/app')).toBe('/var/lib/flags.db');
  });

  test('sqlite::memory: is the in-memory database', () => {
    expect(sqlitePathFromUrl(new URL('sqlite::memory:'))).toBe(MEMORY_PATH);
  });

  test('percent-encoded names are decoded', () => {
    expect(sqlitePathFromUrl(new URL('sqlite:./my%20flags.db'), '/srv')).toBe('/srv/my flags.db');
  });

  test('a host, an empty path or another scheme is refused with a clear message', () => {
    expect(() => sqlitePathFromUrl(new URL('sqlite://db-host/x.db'))).toThrow(
      'sqlite URL must not name a host ("db-host"); use sqlite:./relative/path.db or sqlite:///absolute/path.db',
    );
    expect(() => sqlitePathFromUrl(new URL('sqlite:'))).toThrow('sqlite URL names no file');
    expect(() => sqlitePathFromUrl(new URL('postgres://x/y'))).toThrow('not a sqlite: URL: postgres:');
  });

  test('any relative file name round-trips through a URL', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9 _.\-äöü]{1,12}$/).filter((s) => s !== '.' && s !== '..' && s.trim() === s && s.length > 0);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
        const relative = parts.join('/');
        const url = new URL(`sqlite:./${parts.map(encodeURIComponent).join('/')}`);
        expect(sqlitePathFromUrl(url, '/base')).toBe(join('/base', relative));
      }),
    );
  });
});
