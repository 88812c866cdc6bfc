export { freePort } from './free-port';
export { startPrivateRedis, hasRedisServer, waitForPort, type PrivateRedis } from './private-redis';
export { percentile } from './latency';
export { runSoak, type SoakOptions, type SoakResult, type SoakSample } from './soak';
export { svgChart, type Series } from './svg-chart';
export { startDelayProxy, type DelayProxy } from './delay-proxy';
export { startPrivatePostgres, privatePostgresProblem, postgresBinDir, type PrivatePostgres } from './private-postgres';
