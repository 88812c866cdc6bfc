import { createHash } from 'node:crypto';
import { escapeIdentifier } from 'pg';

/** Schema-qualified, quoted names of every table of one namespace, and its NOTIFY channel. */
export interface Tables {
  schema: string;
  flags: string;
  values: string;
  features: string;
  cache: string;
  audit: string;
  migrations: string;
  /** Channel name (unquoted, as `pg_notify` takes it) carrying this namespace's change events. */
  channel: string;
}

export function tablesFor(namespace: string): Tables {
  const schema = escapeIdentifier(namespace);
  const t = (name: string) => `${schema}.${escapeIdentifier(name)}`;
  return {
    schema,
    flags: t('flags'),
    values: t('flag_values'),
    features: t('feature_values'),
    cache: t('cache'),
    audit: t('audit'),
    migrations: t('migrations'),
    channel: channelFor(namespace),
  };
}

/** Channel names are identifiers (at most 63 bytes); long namespaces get a digest instead. */
function channelFor(namespace: string): string {
  const plain = `switchyard:${namespace}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `switchyard:${createHash('sha256').update(namespace).digest('hex').slice(0, 40)}`;
}
