#!/usr/bin/env node
// Size check for package sources: fails when a function is longer than 120 lines, or a source file
// longer than 450 lines does not say at its top why it is that long.
//
//   node tooling/scripts/long-functions.mjs [--report] [dir ...]
//
// Default dirs: packages/*/src. A file's reason is a comment among its first lines that starts with
// `Why this file is long:` (or `Length:`); see sqlite-store.ts for an example. `--report` lists every
// finding but always exits 0 (for planning); without it the exit code is 1 when anything is found.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const MAX_FUNCTION_LINES = 120;
const MAX_FILE_LINES = 450;
const REASON = /^\s*(\/\/|\/\*+|\*)\s*(Why this file is long|Length):/m;
const REASON_WINDOW_LINES = 20;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const root = process.cwd();
let dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  dirs = readdirSync(join(root, 'packages'))
    .map((p) => join('packages', p, 'src'))
    .filter((d) => exists(d));
}

function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

function functionName(node, file) {
  if (node.name) return node.name.getText(file);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return parent.name.getText(file);
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '<anonymous>';
}

function lineCount(file, node) {
  const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
  const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
  return { start: start + 1, lines: end - start + 1 };
}

const findings = [];
for (const dir of dirs) {
  for (const path of sourceFiles(dir)) {
    const text = readFileSync(path, 'utf8');
    const rel = relative(root, path);
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const totalLines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (totalLines > MAX_FILE_LINES) {
      const head = text.split('\n').slice(0, REASON_WINDOW_LINES).join('\n');
      if (!REASON.test(head)) {
        findings.push(`${rel}: file has ${totalLines} lines (> ${MAX_FILE_LINES}) and no reason at its top`);
      }
    }
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const { start, lines } = lineCount(file, node);
        if (lines > MAX_FUNCTION_LINES) {
          findings.push(`${rel}:${start}: function ${functionName(node, file)} has ${lines} lines (> ${MAX_FUNCTION_LINES})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}

for (const f of findings) console.log(f);
if (findings.length === 0) console.log('size check: no function over 120 lines, no unexplained file over 450 lines');
else console.log(`size check: ${findings.length} finding(s)`);
process.exit(findings.length > 0 && !reportOnly ? 1 : 0);
