/** The server could not be reached, or did not answer in time. Evaluation keeps serving the last known snapshot. */
export class ServerUnavailableError extends Error {
  override readonly name = 'ServerUnavailableError';
  readonly code = 'SERVER_UNAVAILABLE' as const;
}

/** The server answered with an error status (`401`, `403`, `503`, …); `errorCode` is the server's error code when it sent one. */
export class ServerResponseError extends Error {
  override readonly name = 'ServerResponseError';
  readonly code = 'SERVER_RESPONSE' as const;
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
