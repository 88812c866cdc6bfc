export {
  createOriginGuard,
  normalizeOrigin,
  OriginRefusedError,
  GuardedRequestError,
  type OriginGuard,
  type OriginGuardOptions,
  type GuardedRequest,
  type GuardedResponse,
} from './origin-guard';
export { AddressPolicy, REFUSED_RANGES } from './address-policy';
