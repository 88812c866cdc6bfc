import { codedError } from '@switchyard/core';

/** The server could not be reached, or did not answer in time. Evaluation keeps serving the last known snapshot. */
export class ServerUnavailableError extends codedError('ServerUnavailableError', 'SERVER_UNAVAILABLE') {}

/** The server answered with an error status (`401`, `403`, `503`, …); `errorCode` is the server's error code when it sent one. */
export class ServerResponseError extends codedError('ServerResponseError', 'SERVER_RESPONSE') {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
