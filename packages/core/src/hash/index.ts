export { murmur3, prefixedMurmur3 } from './murmur3';
export { createBucketer, bucketOf } from './bucket';
