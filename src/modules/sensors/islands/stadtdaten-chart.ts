/**
 * Trend chart of a datastream (uPlot): hourly mean with min/max. The data is in the figure's
 * data-chart attribute; the table below the chart holds the same values for everyone.
 */
import uPlot from 'uplot';

const fig = document.querySelector<HTMLElement>('figure[data-chart]');
if (fig) {
  const d = JSON.parse(fig.dataset.chart!) as {
    t: number[];
    avg: number[];
    min: number[];
    max: number[];
    unit: string;
  };
  if (d.t.length > 1) {
    const en = document.documentElement.lang.startsWith('en');
    const holder = document.createElement('div');
    holder.className = 'sp-chart__plot';
    // The chart repeats the table for sighted users; screen readers use the table.
    holder.setAttribute('aria-hidden', 'true');
    fig.prepend(holder);
    const width = () => Math.max(280, Math.min(fig.clientWidth, 900));
    const plot = new uPlot(
      {
        width: width(),
        height: 280,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Europe/Berlin'),
        series: [
          {},
          { label: en ? 'Mean' : 'Mittel', stroke: '#00537a', width: 2 },
          { label: 'Min', stroke: '#6b7a86', dash: [4, 4] },
          { label: 'Max', stroke: '#a4262c', dash: [4, 4] },
        ],
        axes: [{}, { label: d.unit }],
      },
      [d.t, d.avg, d.min, d.max],
      holder,
    );
    window.addEventListener('resize', () => plot.setSize({ width: width(), height: 280 }));
  }
}
