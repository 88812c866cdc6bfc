import { FLAG_KEY_PATTERN } from '@switchyard/core';

const KEY_CHAR = /[A-Za-z0-9_\-./:]/;

/**
 * A Switchyard flag key for an Unleash feature name: the name itself when it is a valid key, else
 * the name with every other character written as `_u<hex code point>` (`Hellø` → `Hell_uf8`).
 */
export function unleashFlagKey(name: string): string {
  if (FLAG_KEY_PATTERN.test(name)) return name;
  let out = '';
  for (const ch of name) out += KEY_CHAR.test(ch) ? ch : `_u${ch.codePointAt(0)!.toString(16)}`;
  return out;
}
