export * from './schemas';
export * from './routes';
export type * from './types';
