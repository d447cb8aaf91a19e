import { useId } from "react";
import type { Overview } from "@twinning/domain";
import { useT } from "~/lib/i18n";
import { areaLabel, monthName } from "~/lib/overview";

/** Area colours: each at least 3:1 against white (WCAG 1.4.11), told apart by the legend and the table too. */
const COLOURS = ["#1f5f8b", "#2e7d32", "#8d4e00", "#6a1b9a", "#b71c1c", "#00695c", "#4527a0", "#ad1457"];
const NO_AREA = "#5f6673";
export const areaColour = (areas: string[], area: string) => (area ? COLOURS[areas.indexOf(area) % COLOURS.length] : NO_AREA);

const W = 720;
const H = 260;
const PAD = { left: 36, right: 8, top: 12, bottom: 28 };

/**
 * Activities per month, stacked by area: a hand-written SVG (no chart library to ship). It is an
 * image with a text summary for screen readers; the same numbers follow as a table.
 */
export function OverviewChart({ overview }: { overview: Overview }) {
  const { t, locale } = useT();
  const id = useId();
  const areas = overview.areas.filter((a) => overview.chart[a]?.some((n) => n > 0));
  const perMonth = Array.from({ length: 12 }, (_, m) => areas.reduce((sum, a) => sum + overview.chart[a][m], 0));
  const max = Math.max(1, ...perMonth);
  // Round the axis up to a step of 1, 2, 5 or 10 … so it shows about four lines.
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => max / s <= 5) ?? Math.ceil(max / 5);
  const top = Math.ceil(max / step) * step;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / 12;
  const y = (n: number) => PAD.top + plotH - (n / top) * plotH;
  const summary = perMonth.map((n, m) => `${monthName(locale, m + 1, "short")} ${n}`).join(", ");
  const total = perMonth.reduce((a, b) => a + b, 0);

  return (
    <figure className="overview-chart">
      <figcaption id={`${id}-caption`}>
        <h2>{t("overview.chartHeading")}</h2>
      </figcaption>
      {total === 0 ? (
        <p className="muted">{t("overview.chartEmpty", { year: overview.year })}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="xMidYMid meet" className="overview-chart-svg">
            <title id={`${id}-title`}>{t("overview.chartLabel", { year: overview.year, summary })}</title>
            {Array.from({ length: top / step + 1 }, (_, i) => i * step).map((n) => (
              <g key={n} aria-hidden="true">
                <line x1={PAD.left} x2={W - PAD.right} y1={y(n)} y2={y(n)} stroke="#c9ced8" strokeWidth={1} />
                <text x={PAD.left - 6} y={y(n) + 4} textAnchor="end" fontSize={12} fill="#4a5263">
                  {n}
                </text>
              </g>
            ))}
            {perMonth.map((_, m) => {
              let base = 0;
              const x = PAD.left + m * slot + slot * 0.15;
              return (
                <g key={m} aria-hidden="true">
                  {areas.map((a) => {
                    const n = overview.chart[a][m];
                    if (!n) return null;
                    const rect = (
                      <rect
                        key={a}
                        x={x}
                        width={slot * 0.7}
                        y={y(base + n)}
                        height={y(base) - y(base + n)}
                        fill={areaColour(overview.areas, a)}
                        stroke="#ffffff"
                        strokeWidth={1}
                      />
                    );
                    base += n;
                    return rect;
                  })}
                  <text x={x + slot * 0.35} y={H - 10} textAnchor="middle" fontSize={12} fill="#1d2330">
                    {monthName(locale, m + 1, "short")}
                  </text>
                </g>
              );
            })}
          </svg>
          <ul className="overview-legend">
            {areas.map((a) => (
              <li key={a}>
                <span className="overview-swatch" style={{ background: areaColour(overview.areas, a) }} aria-hidden="true" />
                {areaLabel(t, a)}
              </li>
            ))}
          </ul>
          <details className="overview-chart-table">
            <summary>{t("overview.chartTable")}</summary>
            <div className="table-wrap" role="region" aria-label={t("overview.chartTable")} tabIndex={0}>
              <table>
                <caption>{t("overview.chartHeading")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("overview.month")}</th>
                    {areas.map((a) => (
                      <th scope="col" key={a}>
                        {areaLabel(t, a)}
                      </th>
                    ))}
                    <th scope="col">{t("overview.total")}</th>
                  </tr>
                </thead>
                <tbody>
                  {perMonth.map((n, m) => (
                    <tr key={m}>
                      <th scope="row">{monthName(locale, m + 1)}</th>
                      {areas.map((a) => (
                        <td key={a}>{overview.chart[a][m]}</td>
                      ))}
                      <td>{n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
