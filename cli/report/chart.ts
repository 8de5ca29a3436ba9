// A stacked bar chart as inline SVG, drawn here (~80 lines) rather than with a charting library: the report must
// open with no network and no scripts, and the one chart shape it needs does not earn a dependency.
import { html, type SafeHtml } from './html.js';

export interface Series {
  name: string;
  colour: string;
}

export interface Bar {
  /** The bucket's label on the x axis (shown for some bars) and in the tooltip. */
  label: string;
  /** One count per series, in series order. */
  values: number[];
}

const WIDTH = 960;
const HEIGHT = 240;
const LEFT = 44;
const BOTTOM = 36;
const TOP = 12;

export function stackedBarChart(title: string, series: readonly Series[], bars: readonly Bar[], id: string): SafeHtml {
  const max = Math.max(1, ...bars.map((bar) => bar.values.reduce((a, b) => a + b, 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = bars.length ? plotWidth / bars.length : plotWidth;
  const barWidth = Math.max(1, Math.min(40, slot * 0.8));
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(bars.length / 12));
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return html`<figure class="chart" id="${id}">
<figcaption>${title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${title}">
${ticks.map((v) => html`<line class="grid" x1="${LEFT}" x2="${WIDTH - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text class="tick" x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`)}
${bars.map((bar, i) => {
  const x = LEFT + i * slot + (slot - barWidth) / 2;
  let base = 0;
  const total = bar.values.reduce((a, b) => a + b, 0);
  return html`<g class="bar" data-label="${bar.label}" data-total="${total}"><title>${bar.label}: ${series.map((s, k) => `${s.name} ${bar.values[k] ?? 0}`).join(', ')}</title>${series.map(
    (s, k) => {
      const value = bar.values[k] ?? 0;
      if (value === 0) return '';
      const rect = html`<rect data-series="${s.name}" data-count="${value}" x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${s.colour}"/>`;
      base += value;
      return rect;
    },
  )}${i % labelEvery === 0 ? html`<text class="tick" x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${bar.label.slice(-5)}</text>` : ''}</g>`;
})}
</svg>
<p class="legend">${series.map((s) => html`<span><i style="background:${s.colour}"></i>${s.name}</span>`)}</p>
</figure>`;
}

function niceStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= rough) return Math.max(1, factor * magnitude);
  return Math.max(1, 10 * magnitude);
}
