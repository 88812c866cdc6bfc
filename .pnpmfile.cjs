// Workspace hooks. `beforePacking` shapes the package.json that `pnpm pack` / `pnpm publish` put in a
// tarball; the file in the repository is untouched.
'use strict';

/** The export condition that points workspace tools (vitest, tsx) at a package's TypeScript sources. */
const SOURCE_CONDITION = '@switchyard/source';

/** A copy of an exports entry without the source condition, at any depth; `src/` is not in the tarball. */
function withoutSourceCondition(entry) {
  if (Array.isArray(entry)) return entry.map(withoutSourceCondition);
  if (entry === null || typeof entry !== 'object') return entry;
  const out = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key !== SOURCE_CONDITION) out[key] = withoutSourceCondition(value);
  }
  return out;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports !== undefined) pkg.exports = withoutSourceCondition(pkg.exports);
      return pkg;
    },
  },
};
