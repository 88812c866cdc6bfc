import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { FlagType } from '@switchyard/core';
import type { ApiIssue } from '../api/types';
import { issuesAt, type Path } from '../lib/paths';

/** What every part of the definition editor needs: the flag's type, whether it may edit, and the current issues. */
export interface EditorState {
  type: FlagType;
  readOnly: boolean;
  issues: readonly ApiIssue[];
  /** Keys of every other flag, offered for prerequisites. */
  keys: readonly string[];
}

export const EditorContext = createContext<EditorState>({ type: 'boolean', readOnly: true, issues: [], keys: [] });

export function useEditor(): EditorState & { at: (path: Path) => ApiIssue[] } {
  const state = useContext(EditorContext);
  return { ...state, at: (path: Path) => issuesAt(state.issues, path) };
}
