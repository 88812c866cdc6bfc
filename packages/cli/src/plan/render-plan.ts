import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import type { FlagDefinition, FlagValue } from '@switchyard/core';
import type { Colors } from '../io';
import { planCounts, type ImportPlan, type ValueChange } from './import-plan';

function yamlOf(definition: FlagDefinition): string {
  return stringify(definition, { lineWidth: 0, sortMapEntries: false });
}

/** A unified diff of two definitions as YAML, indented under the flag's line. */
export function definitionDiff(colors: Colors, before: FlagDefinition, after: FlagDefinition): string[] {
  const patch = structuredPatch('store', 'manifests', yamlOf(before), yamlOf(after), '', '', { context: 2 });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`    ${colors.cyan(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`)}`);
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue;
      if (line.startsWith('+')) lines.push(`    ${colors.green(line)}`);
      else if (line.startsWith('-')) lines.push(`    ${colors.red(line)}`);
      else lines.push(`    ${colors.dim(line)}`);
    }
  }
  return lines;
}

function valueText(value: FlagValue | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function scopeText(change: ValueChange): string {
  return change.scope ? Object.entries(change.scope).map(([k, v]) => `${k}=${v}`).join(',') : 'root';
}

/** The plan as a readable listing: `+` added, `~` changed (with a diff), `-` removed, then values. */
export function renderPlan(colors: Colors, plan: ImportPlan, options: { prune?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const change of plan.flags) {
    if (change.kind === 'added') lines.push(colors.green(`+ ${change.key}`) + colors.dim(` (new ${change.after!.type} flag)`));
    else if (change.kind === 'removed') lines.push(colors.red(`- ${change.key}`) + colors.dim(` (stored version ${change.storedVersion})`));
    else if (change.kind === 'changed') {
      lines.push(colors.yellow(`~ ${change.key}`) + colors.dim(` (stored version ${change.storedVersion})`));
      lines.push(...definitionDiff(colors, change.before!, change.after!));
    }
  }
  for (const v of plan.values) {
    const verb = v.before === undefined ? colors.green('+') : colors.yellow('~');
    lines.push(`${verb} value ${v.key} at ${scopeText(v)}: ${valueText(v.before)} → ${valueText(v.after)}`);
  }
  const counts = planCounts(plan);
  const summary = [`${counts.added} added`, `${counts.changed} changed`];
  if (options.prune) summary.push(`${counts.removed} removed`);
  summary.push(`${counts.unchanged} unchanged`, `${counts.values} value${counts.values === 1 ? '' : 's'} to set`);
  lines.push(summary.join(', '));
  if (plan.kept.length) lines.push(colors.dim(`${plan.kept.length} stored flag${plan.kept.length === 1 ? ' is' : 's are'} not in the manifests and kept (--prune removes them): ${plan.kept.join(', ')}`));
  return lines;
}

/** The plan for scripts. */
export function planJson(plan: ImportPlan): object {
  const byKind = (kind: string) => plan.flags.filter((f) => f.kind === kind);
  return {
    added: byKind('added').map((f) => ({ key: f.key, definition: f.after })),
    changed: byKind('changed').map((f) => ({ key: f.key, storedVersion: f.storedVersion, before: f.before, after: f.after })),
    removed: byKind('removed').map((f) => ({ key: f.key, storedVersion: f.storedVersion, definition: f.before })),
    unchanged: byKind('unchanged').map((f) => f.key),
    values: plan.values.map((v) => ({ key: v.key, scope: v.scope ?? null, before: v.before ?? null, after: v.after })),
    kept: plan.kept,
  };
}
