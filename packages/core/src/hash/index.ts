export { murmur3 } from './murmur3';
export { createBucketer, bucketOf } from './bucket';
