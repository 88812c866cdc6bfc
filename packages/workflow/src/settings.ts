import type { LookupFunction } from 'node:net';
import type { BrokerDriver, DatabaseDriver, MailDriver, StorageDriver } from './drivers/types';

/**
 * A secret bound to the origins it may be sent to: an HTTP request (an `http` step or a
 * webhook) that carries its value anywhere in the URL, headers or body may only go to one of
 * `origins`; any other destination fails the step before anything is sent.
 */
export interface SecretSettings {
  value: string;
  /** Origins such as `https://api.example.com` or `http://10.0.0.5:8080` (scheme, host and port only). */
  origins: string[];
}

/** A named SQL connection. */
export type DatabaseSettings =
  | { driver: 'sqlite'; /** File path, or `:memory:`. */ path: string; readonly?: boolean }
  | { driver: 'postgres'; /** `postgres://user@host:5432/db`. */ url: string; /** Pool size. Default 5. */ max?: number }
  | DatabaseDriver;

/** A named message broker. */
export type BrokerSettings =
  | { driver: 'redis'; url: string; /** `stream` (XADD, default) or `pubsub` (PUBLISH). */ mode?: 'stream' | 'pubsub' }
  | { driver: 'amqp'; url: string; /** Exchange to publish to; default `''` (the topic is then a queue name). */ exchange?: string }
  | { driver: 'nats'; /** One or more `nats://host:port` URLs. */ servers: string | string[] }
  | BrokerDriver;

/** A named SMTP mailer (nodemailer transport options). */
export type MailerSettings =
  | { driver?: 'smtp'; host: string; port: number; secure?: boolean; auth?: { user: string; pass: string }; /** Refuse servers without STARTTLS. */ requireTLS?: boolean; /** Accept self-signed certificates. */ allowSelfSigned?: boolean }
  | MailDriver;

/** A named file store. */
export type StorageSettings = { driver: 'local'; /** Directory every path is resolved inside. */ root: string } | StorageDriver;

/** Settings of one environment (`dev`, `staging`, `prd`, …), selected by a run's `env`. */
export interface EnvironmentSettings {
  /** `$Env{NAME}` values. */
  vars?: Record<string, string>;
  /**
   * `$Secret{NAME}` values; redacted from results, run records, errors and logs. A secret given
   * as `{ value, origins }` is sent only to those origins; one given as a plain string only to
   * the origins of this environment's `baseUrls`.
   */
  secrets?: Record<string, string | SecretSettings>;
  /** Base URLs that `http` steps and webhooks name with `base` (absolute http or https URLs, no query or credentials). */
  baseUrls?: Record<string, string>;
  databases?: Record<string, DatabaseSettings>;
  brokers?: Record<string, BrokerSettings>;
  mailers?: Record<string, MailerSettings>;
  storage?: Record<string, StorageSettings>;
}

/** How the tokens of one session tag are verified. Exactly one key source is required. */
export interface SessionSettings {
  /** HMAC secret (HS256/HS384/HS512). */
  secret?: string;
  /** PEM public key (SPKI) for RS*, PS*, ES* or EdDSA. */
  publicKey?: string;
  /** A public JWK. */
  jwk?: Record<string, unknown>;
  /** Accepted algorithms. Default: HS256 for `secret`, otherwise RS256. */
  algorithms?: string[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Seconds of clock skew tolerated for `exp`/`nbf`. Default 0. */
  clockToleranceSec?: number;
  /** The claims workflows may read with `$Session{tag}{claim}` (registered claims such as `sub` are always allowed). */
  claims: string[];
  /**
   * Another name for this session in mappings, as in `$Session{user}{id}` for the tag `user-session`.
   * Both the tag and this key work.
   */
  key?: string;
}

export const REGISTERED_CLAIMS = ['sub', 'iss', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;

/**
 * Where `http` steps and webhooks may send requests (for every environment). Requests to
 * loopback, private, link-local and other non-public addresses are refused unless `allowPrivate`
 * covers them; the addresses a name resolves to are checked when each connection opens.
 */
export interface NetworkSettings {
  /** The only origins requests may go to (e.g. `https://api.example.com`); absent: any public origin. */
  allowOrigins?: string[];
  /** Non-public addresses requests may still reach: CIDR blocks or addresses, e.g. `10.0.0.0/8`, `127.0.0.1`. */
  allowPrivate?: string[];
  /** Largest response body read, in bytes. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Name resolution (`dns.lookup`'s signature), e.g. for a custom resolver. Default `dns.lookup`. */
  lookup?: LookupFunction;
}
