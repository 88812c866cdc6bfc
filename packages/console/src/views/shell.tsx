import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { Link, useRoute } from 'wouter-preact';
import { session, signOut } from '../auth/session';
import { followChanges, liveStatus } from '../live/stream';
import { loadAll } from '../state/flags';
import { cycleTheme, theme } from '../lib/theme';
import { Toasts } from '../components/toasts';

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const [active] = useRoute(href === '/' ? '/' : `${href}/*?`);
  const [detail] = useRoute('/flags/*');
  const current = active || (href === '/' && detail);
  return (
    <Link href={href} class={current ? 'nav-link active' : 'nav-link'} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

const LIVE_TEXT = { live: 'Live', connecting: 'Connecting…', offline: 'Offline — reconnecting' } as const;

/** Header, navigation and live indicator around the signed-in screens. */
export function Shell({ children }: { children: ComponentChildren }) {
  useEffect(() => {
    void loadAll();
    return followChanges();
  }, []);
  const s = session.value;
  const status = liveStatus.value;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          <span>Switchyard</span>
        </Link>
        <nav aria-label="Main">
          <NavLink href="/">Flags</NavLink>
          <NavLink href="/playground">Playground</NavLink>
          <NavLink href="/audit">Audit log</NavLink>
          <NavLink href="/runs">Runs</NavLink>
        </nav>
        <div class="topbar-end">
          <span class={`live live-${status}`} role="status" aria-live="polite" data-testid="live-status">
            <span class="dot" aria-hidden="true" />
            {LIVE_TEXT[status]}
          </span>
          {s && (
            <span class="who" title={s.roleKnown ? undefined : 'role not reported by the server; assumed until a change is refused'}>
              {s.id} · <strong data-testid="role">{s.role === 'read' ? 'read-only' : s.role}</strong>
            </span>
          )}
          <button type="button" class="ghost" onClick={cycleTheme} aria-label={`Colour scheme: ${theme.value}. Change`}>
            {theme.value === 'dark' ? '☾' : theme.value === 'light' ? '☀' : '◐'}
          </button>
          {s?.credentials === null ? (
            <span class="who" data-testid="auth-off" title="The server has no credentials configured: it serves only this machine (loopback) and the allowed hosts.">
              auth off
            </span>
          ) : (
            <button type="button" class="ghost" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </div>
  );
}
