export * from './evaluation-errors';
export * from './store-errors';
