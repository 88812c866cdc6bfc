import { OFREPApi, handleEvaluationError, isEvaluationFailureResponse, toResolutionDetails, type OFREPProviderBaseOptions } from '@openfeature/ofrep-core';
import { ErrorCode, StandardResolutionReasons, type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails } from '@openfeature/server-sdk';

export type OfrepProviderOptions = OFREPProviderBaseOptions;

type Value = JsonValue;

/**
 * An OpenFeature server provider that evaluates remotely over OFREP (a Switchyard server's
 * `/ofrep/v1/evaluate/flags/{key}`, or any OFREP service). It follows the protocol's ADR-0006: an
 * answer without a value (a disabled flagd flag, a flagd flag without a default variant) serves the
 * caller's default with the server's reason and no error. `@openfeature/ofrep-provider` 0.1.3 (with
 * the `@openfeature/ofrep-core` 0.1.x it depends on) predates ADR-0006 and turns such an answer into
 * a `GENERAL` error ("does not match the expected format"), still with the caller's default.
 */
export class OfrepProvider implements Provider {
  readonly metadata = { name: 'switchyard-ofrep' } as const;
  readonly runsOn = 'server' as const;
  private readonly api: OFREPApi;

  constructor(options: OfrepProviderOptions) {
    this.api = new OFREPApi(options, options.fetchImplementation);
  }

  async onClose(): Promise<void> {
    this.api.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return this.evaluate(flagKey, defaultValue, context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.evaluate(flagKey, defaultValue, context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.evaluate(flagKey, defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return this.evaluate(flagKey, defaultValue, context);
  }

  private async evaluate<T extends Value>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    try {
      const result = await this.api.postEvaluateFlag(flagKey, { context });
      if (result.httpStatus !== 200 || isEvaluationFailureResponse(result.value)) return handleEvaluationError(result.value as never, defaultValue);
      const details = toResolutionDetails(result.value, defaultValue as never) as ResolutionDetails<T>;
      return details;
    } catch (err) {
      return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.GENERAL, errorMessage: err instanceof Error ? err.message : String(err) };
    }
  }
}
