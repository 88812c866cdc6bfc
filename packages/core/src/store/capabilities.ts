/**
 * What an adapter can do beyond the contract every store keeps. Callers and the conformance suite
 * branch on these, never on the adapter's name; a conformance case that needs one is skipped, by
 * name, on a store that reports `false`.
 */
export interface StoreCapabilities {
  /** Writes by one client reach other clients (other connections, processes or hosts) through the `ChangeFeed`. */
  propagation: boolean;
  /** State survives the process. */
  persistent: boolean;
  /** Several processes can share the state. */
  shared: boolean;
  /** Raw backend commands through `sendCommand`. */
  sendCommand: boolean;
}
