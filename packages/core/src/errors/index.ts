export * from './evaluation-errors';
export * from './store-errors';
export * from './error-codes';
export * from './coded-error';
