import type { FlagType, FlagValue } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';

/**
 * Reads a flag value typed on the command line according to the flag's type: `string` keeps the
 * text, `boolean` takes true/false, `number` a finite number, `object` JSON. Without a known type
 * the text is read as JSON when it parses and kept as a string otherwise.
 */
export function parseFlagValue(text: string, type: FlagType | undefined, what = 'value'): FlagValue {
  switch (type) {
    case 'string':
      return text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalid(what, `expected true or false for a boolean flag, got "${text}"`);
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) throw invalid(what, `expected a number for a number flag, got "${text}"`);
      return n;
    }
    case 'object': {
      const parsed = parseJson(text);
      if (typeof parsed !== 'object' || parsed === null) throw invalid(what, `expected a JSON object or array for an object flag, got ${text}`);
      return parsed as FlagValue;
    }
    case undefined: {
      const parsed = parseJson(text);
      return parsed === undefined || parsed === null ? text : (parsed as FlagValue);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function invalid(what: string, message: string): ValidationError {
  return new ValidationError([{ path: [what], message }], `${what}: ${message}`);
}
