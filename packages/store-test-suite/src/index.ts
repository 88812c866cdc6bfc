export { storageTestSuite } from './suite';
export type { StorageTestSuiteOptions, SuiteStoreOptions } from './context';
export { waitFor, sleep, type WaitForOptions } from './wait-for';
export { rejectionOf } from './expect-error';
export { resetThroughApi } from './reset';
export { booleanFlag, numberFlag, stringFlag } from './fixtures';
export { serviceUrl, uniqueNamespace, SERVICES, type ServiceName } from './services';
export { propagationBench, propagationLatency, writeThroughput, reportLatency, reachable, sequentialLatency, type PropagationBenchTarget, type SequentialFigures } from './bench';
