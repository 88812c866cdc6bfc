import type { WorkflowRunnerOptions } from '@switchyard/workflow';
import type { ServerConfig } from '../config/server-config';

/** The workflow runner options a server configuration gives: environments, sessions, network policy, time limits. */
export function workflowRunnerSettings(config: ServerConfig): Pick<WorkflowRunnerOptions, 'environments' | 'sessions' | 'network' | 'stepTimeoutMs' | 'runDeadlineMs'> {
  const s = config.workflowSettings ?? {};
  return {
    environments: s.environments ?? {},
    sessions: (s.sessions ?? {}) as unknown as WorkflowRunnerOptions['sessions'],
    ...(s.network ? { network: s.network } : {}),
    ...(s.stepTimeoutMs !== undefined ? { stepTimeoutMs: s.stepTimeoutMs } : {}),
    ...(s.runDeadlineMs !== undefined ? { runDeadlineMs: s.runDeadlineMs } : {}),
  };
}
