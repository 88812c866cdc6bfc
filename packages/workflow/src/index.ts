export { createWorkflowRunner, type WorkflowRunner } from './runner/runner';
export type { FeatureRunInput, ListRunsOptions, RunOptions, RunSession, RunResult, RunRecord, RunSummary, StepReport, StepStatus, WorkflowRunnerOptions, WorkflowLogger } from './runner/types';
export { RUN_ERROR_CODES } from './runner/execute';
export type { EnvironmentSettings, SecretSettings, NetworkSettings, SessionSettings, DatabaseSettings, BrokerSettings, MailerSettings, StorageSettings } from './settings';
export {
  workflowSchema,
  stepSchema,
  inputFieldSchema,
  durationMs,
  INPUT_TYPES,
  STEP_TYPES,
  HTTP_METHODS,
  type WorkflowDefinition,
  type StepDefinition,
  type StepType,
  type InputField,
  type InputType,
  type HttpStep,
  type DatabaseStep,
  type WebhookStep,
  type EmailStep,
  type StorageStep,
  type PublishStep,
  type FeatureStep,
  type RetryPolicy,
} from './definition/schema';
export type { CompiledWorkflow, CompiledStep } from './definition/compiled';
export { WorkflowDefinitionError, isWorkflowDefinitionError, formatWorkflowDiagnostic, type WorkflowDiagnostic } from './definition/diagnostic';
export { FeatureNotFoundError, SessionError, StepFailure, StepTimeoutError, RunCancelledError, RunDeadlineError, RunAbortedError, FlagNotFoundError, SecretNotBoundError } from './errors';
export * from './net/index';
export { compileInputValidator, type InputValidator } from './input/validate-input';
export * from './mapping/index';
export type { DatabaseDriver, QueryResult, StorageDriver, BrokerDriver, PublishReceipt, MailDriver, MailMessage, MailReceipt } from './drivers/types';
export { createLocalStorage, checkStorageKey, StoragePathError, StorageNotFoundError } from './drivers/local-storage';
export { createSqliteDriver } from './drivers/sqlite';
export { createPostgresDriver } from './drivers/postgres';
export { createRedisBroker, createAmqpBroker, createNatsBroker } from './drivers/brokers';
export { createSmtpMailer, type SmtpOptions } from './drivers/smtp';
export { createRedactor, REDACTED } from './runner/redact';
