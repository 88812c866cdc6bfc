/** Rows and the affected-row count of one SQL statement. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/** A database a `database` step runs parameterised statements against. */
export interface DatabaseDriver {
  /** Runs one statement with positional parameters (`?` for SQLite, `$1` for Postgres). */
  query(sql: string, params: readonly unknown[], signal: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
}

/**
 * Files for `storage` steps. Paths are relative, `/`-separated keys; drivers refuse paths that
 * would leave their root. S3-style drivers implement the same three methods.
 */
export interface StorageDriver {
  put(path: string, data: Uint8Array, signal: AbortSignal): Promise<void>;
  /** Rejects with a `StorageNotFoundError`-like error (`code: 'NOT_FOUND'`) when absent. */
  get(path: string, signal: AbortSignal): Promise<Uint8Array>;
  delete(path: string, signal: AbortSignal): Promise<boolean>;
  close?(): Promise<void>;
}

/** What a broker reports about one published message. */
export interface PublishReceipt {
  /** Redis stream entry id, when the broker assigns one. */
  id?: string;
  /** Redis pub/sub: how many subscribers received it. */
  receivers?: number;
}

/** A message broker for `publish` steps. */
export interface BrokerDriver {
  publish(topic: string, payload: string, headers: Record<string, string>, signal: AbortSignal): Promise<PublishReceipt>;
  close(): Promise<void>;
}

/** What an SMTP server reported for one message. */
export interface MailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface MailMessage {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  html?: string;
}

/** Sends email for `notify` steps with `channel: email`. */
export interface MailDriver {
  send(message: MailMessage, signal: AbortSignal): Promise<MailReceipt>;
  close(): Promise<void>;
}
