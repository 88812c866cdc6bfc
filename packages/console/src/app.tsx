import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { Route, Router, Switch } from 'wouter-preact';
import { configureClient } from './api/client';
import { probeServer, session, signIn, storedCredentials, type SignInMethod } from './auth/session';
import { loadAll } from './state/flags';
import { AuditLog } from './views/audit';
import { FlagList } from './views/flag-list';
import { Playground } from './views/playground';
import { Runs } from './views/runs';
import { Shell } from './views/shell';
import { SignIn } from './views/sign-in';

// The editor (and the shared definition schema it validates with) loads on first use.
const loadDetail = () => import('./views/flag-detail');
const FlagDetail = lazy(loadDetail);

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function Loading() {
  return (
    <div class="page">
      <p class="muted">Loading…</p>
    </div>
  );
}

/** Signs in again from this tab's session, then routes between the console's screens under `/ui`. */
export function App() {
  const [restoring, setRestoring] = useState(() => session.value === null);
  const [restoreError, setRestoreError] = useState<string | undefined>();
  const [methods, setMethods] = useState<SignInMethod[] | undefined>();
  useEffect(() => {
    if (!restoring) return;
    const stored = storedCredentials();
    if (!stored) {
      // Ask the server first: with no credentials configured it answers whoami, and no form is shown.
      probeServer()
        .then((probe) => {
          if (probe.open) void loadAll();
          else setMethods(probe.methods);
        })
        .catch((err: unknown) => setRestoreError(`The server cannot be reached: ${(err as Error).message}`))
        .finally(() => setRestoring(false));
      return;
    }
    // Fetch the flags while the role is being checked: one round trip less before the list shows.
    configureClient(stored);
    void loadAll();
    signIn(stored, true)
      .catch((err: unknown) => setRestoreError(`Please sign in again: ${(err as Error).message}`))
      .finally(() => setRestoring(false));
  }, []);
  useEffect(() => {
    if (!session.value) return;
    const idle = window.requestIdleCallback?.bind(window) ?? ((fn: () => void) => setTimeout(fn, 500));
    idle(() => void loadDetail());
  }, [session.value !== null]);

  if (restoring) return <Loading />;
  if (!session.value) return <SignIn initialError={restoreError} methods={methods} />;
  return (
    <Router base="/ui">
      <Shell>
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/" component={FlagList} />
            <Route path="/new">{() => <FlagDetail flagKey={undefined} />}</Route>
            <Route path="/flags/:key">{(params: { key: string }) => <FlagDetail key={params.key} flagKey={decodeKey(params.key)} />}</Route>
            <Route path="/playground" component={Playground} />
            <Route path="/audit" component={AuditLog} />
            <Route path="/runs" component={Runs} />
            <Route>
              <div class="page">
                <h1>Not found</h1>
                <p>This page does not exist.</p>
              </div>
            </Route>
          </Switch>
        </Suspense>
      </Shell>
    </Router>
  );
}
