/** One line of a chart: a name and its values, one per sample. */
export interface Series {
  name: string;
  unit: string;
  values: readonly number[];
}

const WIDTH = 640;
const PANEL = 140;
const PAD = 40;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A small standalone SVG: one panel per series, sharing the x axis (seconds). */
export function svgChart(title: string, seconds: readonly number[], series: readonly Series[]): string {
  const height = PAD + series.length * (PANEL + PAD);
  const maxX = Math.max(1, ...seconds);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`, `<text x="${PAD}" y="20" font-size="14">${esc(title)}</text>`];
  series.forEach((s, i) => {
    const top = PAD + i * (PANEL + PAD);
    const maxY = Math.max(1e-9, ...s.values);
    const x = (t: number) => PAD + (t / maxX) * (WIDTH - 2 * PAD);
    const y = (v: number) => top + PANEL - (v / maxY) * PANEL;
    const points = s.values.map((v, j) => `${x(seconds[j] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(
      `<rect x="${PAD}" y="${top}" width="${WIDTH - 2 * PAD}" height="${PANEL}" fill="none" stroke="#ccc"/>`,
      `<text x="${PAD}" y="${top - 4}">${esc(s.name)} (${esc(s.unit)}), max ${+maxY.toFixed(2)}</text>`,
      `<polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${points}"/>`,
    );
  });
  parts.push(`<text x="${WIDTH - PAD}" y="${height - 8}" text-anchor="end">seconds: ${maxX}</text>`, '</svg>');
  return parts.join('\n');
}
