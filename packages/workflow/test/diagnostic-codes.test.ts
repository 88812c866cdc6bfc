import { createMemoryStore } from '@switchyard/store-memory';
import type { Diagnostic } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createWorkflowRunner, isWorkflowDefinitionError } from '../src/index';

function diagnostics(text: string): Pick<Diagnostic, 'severity' | 'code' | 'path'>[] {
  const runner = createWorkflowRunner({ store: createMemoryStore() });
  try {
    runner.loadText(text, 'workflows/test.yaml');
  } catch (err) {
    if (isWorkflowDefinitionError(err)) return err.diagnostics.map(({ severity, code, path }) => ({ severity, code, path }));
    throw err;
  }
  return [];
}

const STEP = 'steps:\n  - tag: one\n    type: http\n    url: https://example.test/\n';

describe('workflow diagnostics', () => {
  it('are errors with a code saying what kind of problem each is', () => {
    expect(diagnostics('tag: wf\nproduct: [shop\n')).toEqual([{ severity: 'error', code: 'syntax', path: '' }]);
    expect(diagnostics('tag: a\ntag: b\n')).toEqual([{ severity: 'error', code: 'duplicate-key', path: '' }]);
    expect(diagnostics('just text')).toEqual([{ severity: 'error', code: 'invalid-format', path: '' }]);
    expect(diagnostics(`tag: wf\nproduct: shop\ncolour: red\n${STEP}`)).toEqual([{ severity: 'error', code: 'unknown-key', path: 'colour' }]);
    expect(diagnostics(`- tag: wf\n  product: shop\n  ${STEP.replace(/\n {2}/g, '\n    ').replace(/\n$/, '')}\n- tag: wf\n  product: shop\n  ${STEP.replace(/\n {2}/g, '\n    ').replace(/\n$/, '')}\n`)).toEqual([
      { severity: 'error', code: 'duplicate-workflow', path: '[1].tag' },
    ]);
    expect(diagnostics(`tag: wf\nproduct: shop\n${STEP}    depends_on: [nowhere]\n`)).toEqual([{ severity: 'error', code: 'invalid-definition', path: 'steps[0].depends_on[0]' }]);
  });
});
