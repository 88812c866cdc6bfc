/** Renders an OpenAPI document as a self-contained HTML reference (no scripts, no external assets). */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; version: string; description?: string };
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const schemas = (doc.components as { schemas?: Record<string, unknown> }).schemas ?? {};
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(method, path, op));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<section><h2 id="${esc(slug(tag))}">${esc(tag)}</h2>${ops.join('')}</section>`).join('');
  const toc = [...byTag.keys()].map((t) => `<a href="#${esc(slug(t))}">${esc(t)}</a>`).join(' · ');
  const schemaList = Object.entries(schemas)
    .map(([id, s]) => `<details id="schema-${esc(id)}"><summary><code>${esc(id)}</code></summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} API reference</title><style>${CSS}</style></head><body><main>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>${info.description ? `<p>${esc(info.description)}</p>` : ''}
<p>Machine-readable: <a href="/open-api.json">/open-api.json</a> (OpenAPI 3.1). Sections: ${toc}</p>${sections}
<section><h2 id="schemas">Schemas</h2>${schemaList}</section></main></body></html>`;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  'x-required-role'?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }> }>;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const role = op['x-required-role'] ? `<span class="role">${esc(op['x-required-role'])}</span>` : '<span class="role public">public</span>';
  const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> <i>${esc(p.in)}${p.required ? ', required' : ''}</i>${p.description ? ` ${esc(p.description)}` : ''}</li>`).join('');
  const body = op.requestBody ? `<p>Body: ${refLink(Object.values(op.requestBody.content)[0]?.schema.$ref)}</p>` : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description)}${r.content ? ` ${refLink(Object.values(r.content)[0]?.schema.$ref)}` : ''}</li>`)
    .join('');
  return `<article><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> ${role}</h3>
<p>${esc(op.summary ?? '')}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}${params ? `<ul>${params}</ul>` : ''}${body}<ul>${responses}</ul></article>`;
}

function refLink(ref: string | undefined): string {
  if (!ref) return '';
  const id = ref.split('/').pop() ?? ref;
  return `<a href="#schema-${esc(id)}"><code>${esc(id)}</code></a>`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}main{max-width:60rem;margin:auto;padding:1rem 2rem}
article{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}h3{font-size:1rem;margin:.25rem 0}
.m{display:inline-block;min-width:4rem;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:.1rem .3rem}
.get{background:#2b7bb9}.post{background:#3a9a4a}.put{background:#b9822b}.delete{background:#b93a2b}
.role{font-size:.75rem;border:1px solid #888;border-radius:4px;padding:0 .3rem;margin-left:.5rem}.public{border-color:#3a9a4a;color:#3a9a4a}
pre{background:#f3f3f3;padding:.5rem;overflow:auto;font-size:.8rem}`;
