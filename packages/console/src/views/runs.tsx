import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import { ErrorAlert, LoadedList, SearchFilter, TableHead } from '../components/controls';
import type { RunStep, RunSummary, RunsResponse } from '../api/types';
import { formatDuration, formatInstant } from '../lib/format';

const LIMIT = 50;
const STEP_COLUMNS = ['Step', 'Status', 'Attempts', 'Duration', 'Error'];
const RUN_COLUMNS = ['Feature', 'Product', 'Env', 'Status', 'Duration', 'Started'];

function StatusBadge({ status }: { status: RunSummary['status'] | RunStep['status'] }) {
  return <span class={`badge run-${status}`}>{status}</span>;
}

function StepTable({ run }: { run: RunSummary }) {
  if (run.steps.length === 0) return <p class="muted small-text">This run had no steps.</p>;
  return (
    <table class="steps-table" aria-label={`Steps of ${run.feature_tag}`}>
      <TableHead columns={STEP_COLUMNS} />
      <tbody>
        {run.steps.map((s) => (
          <tr key={s.tag} data-step={s.tag}>
            <td class="cell">{s.tag}</td>
            <td>
              <StatusBadge status={s.status} />
              {s.allowedFailure && <span class="muted small-text"> allowed</span>}
            </td>
            <td>{s.attempts}</td>
            <td>{formatDuration(s.durationMs)}</td>
            <td class="cell step-error">{s.error ?? (s.reason ? <span class="muted">{s.reason}</span> : '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunRows({ run }: { run: RunSummary }) {
  const [open, setOpen] = useState(false);
  const detailId = `run-${run.runId}`;
  return (
    <tbody class="run" data-run={run.runId}>
      <tr>
        <td>
          <button type="button" class="ghost disclosure" aria-expanded={open} aria-controls={detailId} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
            <span class="flag-key">{run.feature_tag}</span>
          </button>
        </td>
        <td>{run.product}</td>
        <td>{run.env}</td>
        <td>
          <StatusBadge status={run.status} />
          {run.error && <span class="muted small-text"> at {run.error.step}</span>}
        </td>
        <td>{formatDuration(run.durationMs)}</td>
        <td>
          <time class="muted" dateTime={run.startedAt}>
            {formatInstant(run.startedAt)}
          </time>
        </td>
      </tr>
      <tr id={detailId} class="run-detail" hidden={!open}>
        <td colSpan={6}>
          {run.error && (
            <p class="form-error">
              Step “{run.error.step}” failed: {run.error.message}
            </p>
          )}
          <StepTable run={run} />
          <p class="muted small-text">Run {run.runId}</p>
        </td>
      </tr>
    </tbody>
  );
}

/** Recent workflow runs of this server, newest first, with per-step status. */
export function Runs() {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [product, setProduct] = useState('');
  const [feature, setFeature] = useState('');
  const [error, setError] = useState<string | undefined>();

  const load = async () => {
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (product.trim()) q.set('product', product.trim());
    if (feature.trim()) q.set('feature_tag', feature.trim());
    try {
      setRuns((await request<RunsResponse>('GET', `/v1/features/runs?${q}`)).runs);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useEffect(() => {
    const t = setTimeout(() => void load(), 200);
    return () => clearTimeout(t);
  }, [product, feature]);

  const filtered = product.trim() !== '' || feature.trim() !== '';
  return (
    <div class="page">
      <div class="page-head">
        <h1>Workflow runs</h1>
        <div class="actions">
          <button type="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      <div class="filters" role="search">
        <SearchFilter id="runs-product" label="Product" placeholder="all products" value={product} onInput={setProduct} />
        <SearchFilter id="runs-feature" label="Feature" placeholder="all features" value={feature} onInput={setFeature} />
      </div>
      <ErrorAlert message={error} />
      <LoadedList items={runs} empty={filtered ? 'No workflow runs match these filters.' : 'No workflow runs are recorded. Workflows are configured with --workflows DIR when the server starts; their runs appear here.'}>
        {(list) => (
          <div class="table-wrap">
            <table class="runs-table" data-testid="runs">
              <TableHead columns={RUN_COLUMNS} />
              {list.map((run) => (
                <RunRows key={run.runId} run={run} />
              ))}
            </table>
          </div>
        )}
      </LoadedList>
      <p class="muted small-text">The most recent {LIMIT} runs made by this server process; runs are kept in memory and are not shared between replicas.</p>
    </div>
  );
}
