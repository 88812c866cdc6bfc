import express, { Router, type RequestHandler } from 'express';

/**
 * The admin console at `/ui`: hashed assets cached for a year, and `index.html` (never cached)
 * for every other path under `/ui` so the single-page app's routes survive a reload.
 */
export function consoleRoutes(dir: string, pageHeaders: RequestHandler): Router {
  const router = Router();
  router.use('/ui', pageHeaders);
  router.use('/ui', express.static(dir, { index: false, redirect: false, maxAge: '1y', immutable: true }));
  // A missing asset is a 404, not the app's HTML (which the browser would try to run as script).
  router.get('/ui/assets/*splat', (req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no console asset ${req.path}` } });
  });
  router.get(['/ui', '/ui/*splat'], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: dir });
  });
  return router;
}
