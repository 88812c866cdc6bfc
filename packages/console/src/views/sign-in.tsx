import { useState } from 'preact/hooks';
import { ApiError, type Credentials } from '../api/client';
import { signIn, type SignInMethod } from '../auth/session';
import { ErrorAlert } from '../components/controls';

/**
 * Sign in with an API key (or a JWT) or a username and password, offering only the methods the
 * server's challenge names; nothing is put in the URL.
 */
export function SignIn({ initialError, methods = ['api-key', 'basic'] }: { initialError?: string | undefined; methods?: SignInMethod[] }) {
  const [kind, setKind] = useState<Credentials['kind']>(methods[0] ?? 'api-key');
  const [key, setKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(initialError);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const credentials: Credentials = kind === 'api-key' ? { kind, key: key.trim() } : { kind, username, password };
    try {
      await signIn(credentials, remember);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'The server did not accept these credentials.' : (err as Error).message);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form class="panel sign-in-form" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title" method="post" action="#">
        <h1 id="sign-in-title">
          <span class="brand-mark" aria-hidden="true" />
          Switchyard console
        </h1>
        <p class="muted" data-testid="sign-in-methods">
          This server asks for {methods.map((m) => (m === 'api-key' ? 'an API key or token (JWT)' : 'a username and password')).join(' or ')}.
        </p>
        {methods.length > 1 && (
          <fieldset class="segmented">
            <legend class="sr-only">Sign in with</legend>
            <label>
              <input type="radio" name="kind" value="api-key" checked={kind === 'api-key'} onChange={() => setKind('api-key')} />
              API key
            </label>
            <label>
              <input type="radio" name="kind" value="basic" checked={kind === 'basic'} onChange={() => setKind('basic')} />
              Username &amp; password
            </label>
          </fieldset>
        )}
        {kind === 'api-key' ? (
          <div class="field">
            <label for="api-key">API key or token</label>
            <input id="api-key" name="api-key" type="password" autoComplete="current-password" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
          </div>
        ) : (
          <>
            <div class="field">
              <label for="username">Username</label>
              <input id="username" name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </div>
          </>
        )}
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Stay signed in while this tab is open
        </label>
        <ErrorAlert message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
