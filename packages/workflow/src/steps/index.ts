import type { StepType } from '../definition/schema';
import type { Resolved, StepContext } from './context';
import { runDatabaseStep } from './database';
import { runFeatureStep } from './feature';
import { runHttpStep } from './http';
import { runNotifyStep } from './notify';
import { runPublishStep } from './publish';
import { runStorageStep } from './storage';

export type StepExecutor = (fields: Resolved, ctx: StepContext) => Promise<unknown>;

export const EXECUTORS: Record<StepType, StepExecutor> = {
  http: runHttpStep,
  database: runDatabaseStep,
  notify: runNotifyStep,
  storage: runStorageStep,
  publish: runPublishStep,
  feature: runFeatureStep,
};
