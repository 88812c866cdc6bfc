import type { CommandContext } from '../context';
import { EXIT, ExitError } from '../exit-error';
import { loadManifestPaths, type LoadedPaths } from './load-manifest-paths';

/** Loads manifests and refuses (printing every error) unless all of them are valid. */
export async function loadValidManifests(ctx: CommandContext, paths: readonly string[], verb: string): Promise<LoadedPaths> {
  const loaded = await loadManifestPaths(paths, ctx.io.cwd);
  if (loaded.errors.length) {
    const { formatDiagnostic } = await import('@switchyard/manifest');
    for (const d of loaded.errors) ctx.note(formatDiagnostic(d));
    throw new ExitError(EXIT.USER, `${verb} refused: ${loaded.errors.length} manifest error${loaded.errors.length === 1 ? '' : 's'}; nothing was written`);
  }
  return loaded;
}
