export interface PlotSeries {
  name: string;
  /** y after click x (x = 1, 2, ...); y in 0..1. */
  points: { x: number; y: number }[];
  color?: string;
  dashed?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/**
 * A small self-contained SVG line chart (mIoU vs clicks): axes with ticks, a 0..1 y axis, one
 * polyline per series and a legend. Hand-written: a chart library would be the app's largest
 * dependency for one picture.
 */
export function lineChartSvg(
  series: readonly PlotSeries[],
  options: { title?: string; xLabel?: string; yLabel?: string; width?: number; height?: number } = {},
): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const m = { left: 56, right: 16, top: options.title ? 34 : 16, bottom: 46 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x)));
  const X = (x: number) => m.left + (xMax > 1 ? ((x - 1) / (xMax - 1)) * pw : pw / 2);
  const Y = (y: number) => m.top + (1 - Math.max(0, Math.min(1, y))) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  for (let i = 0; i <= 10; i += 2) {
    const y = Y(i / 10);
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${y + 4}" text-anchor="end">${fmt(i / 10)}</text>`);
  }
  const step = xMax <= 10 ? 1 : xMax <= 25 ? 5 : xMax <= 100 ? 10 : Math.ceil(xMax / 10 / 10) * 10;
  for (let x = 1; x <= xMax; x += x === 1 && step > 1 ? step - 1 : step) {
    out.push(`<line x1="${X(x)}" y1="${m.top + ph}" x2="${X(x)}" y2="${m.top + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${X(x)}" y="${m.top + ph + 17}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(options.xLabel ?? 'clicks')}</text>`);
  out.push(
    `<text x="14" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${m.top + ph / 2})">${esc(options.yLabel ?? 'mIoU')}</text>`,
  );
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const pts = s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    if (s.points.length > 0)
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts}"/>`);
    const ly = m.top + 10 + i * 18;
    const lx = m.left + pw - 170;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
