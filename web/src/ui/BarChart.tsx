import { useId } from 'react'
import './BarChart.css'

export interface BarSeries {
  name: string
  /** One value per category, in the categories' order. */
  values: number[]
}

const WIDTH = 640
const HEIGHT = 260
const PLOT = { left: 64, right: 12, top: 12, bottom: 40 }
const COLOURS = ['#1f4e79', '#c0620b', '#2f7d4a', '#8e3b8e', '#5a6472', '#a4262c']

/**
 * A round step for the value axis: 1, 2 or 5 times a power of ten, about four of them to the top;
 * at least 1 for counts, which have no halves.
 */
export function niceStep(max: number, wholeNumbers = false): number {
  if (max <= 0) return 1
  const rough = max / 4
  const power = 10 ** Math.floor(Math.log10(rough))
  const multiple = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10
  return wholeNumbers ? Math.max(1, multiple * power) : multiple * power
}

/**
 * A bar chart drawn as plain SVG: categories (months) along the bottom, one bar per series in each,
 * a value axis with round steps. Screen readers get the title and description on the image and
 * every figure in a list beside it, as `format` writes them.
 */
export function BarChart({
  title,
  description,
  categories,
  categoryLabel = (category) => category,
  series,
  format = (value) => String(value),
  wholeNumbers = false,
}: {
  title: string
  description: string
  categories: string[]
  categoryLabel?: (category: string) => string
  series: BarSeries[]
  format?: (value: number) => string
  /** Counts (or cents): the value axis steps by whole numbers. */
  wholeNumbers?: boolean
}) {
  const id = useId()
  const max = Math.max(0, ...series.flatMap((s) => s.values))
  const step = niceStep(max, wholeNumbers)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const plotWidth = WIDTH - PLOT.left - PLOT.right
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom
  const band = plotWidth / Math.max(1, categories.length)
  const barWidth = (band * 0.8) / Math.max(1, series.length)
  const y = (value: number) => PLOT.top + plotHeight - (Math.max(0, value) / top) * plotHeight
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step)
  return (
    <figure className="bar-chart">
      {/* On a phone the chart keeps a readable size and scrolls sideways (by keyboard too). */}
      <div className="bar-chart-scroll" tabIndex={0}>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          <g aria-hidden="true">
            {ticks.map((tick) => (
              <g key={tick}>
                <line x1={PLOT.left} x2={WIDTH - PLOT.right} y1={y(tick)} y2={y(tick)} className="grid" />
                <text x={PLOT.left - 6} y={y(tick) + 4} textAnchor="end">
                  {format(tick)}
                </text>
              </g>
            ))}
            {categories.map((category, index) => (
              <g key={category}>
                {series.map((s, position) => {
                  const value = s.values[index] ?? 0
                  return (
                    <rect
                      key={s.name}
                      x={PLOT.left + index * band + band * 0.1 + position * barWidth}
                      y={y(value)}
                      width={Math.max(1, barWidth - 1)}
                      height={PLOT.top + plotHeight - y(value)}
                      fill={COLOURS[position % COLOURS.length]}
                    />
                  )
                })}
                <text
                  x={PLOT.left + index * band + band / 2}
                  y={HEIGHT - PLOT.bottom + 16}
                  textAnchor="middle"
                >
                  {categoryLabel(category)}
                </text>
              </g>
            ))}
          </g>
        </svg>
      </div>
      {series.length > 1 ? <Legend series={series} /> : null}
      <ul className="visually-hidden" aria-label={`${title}: the figures`}>
        {categories.map((category, index) => (
          <li key={category}>
            {categoryLabel(category)}:{' '}
            {series.map((s) => `${s.name} ${format(s.values[index] ?? 0)}`).join(', ')}
          </li>
        ))}
      </ul>
    </figure>
  )
}

function Legend({ series }: { series: BarSeries[] }) {
  return (
    <ul className="bar-chart-legend" aria-hidden="true">
      {series.map((s, position) => (
        <li key={s.name}>
          <span className="swatch" style={{ background: COLOURS[position % COLOURS.length] }} />
          {s.name}
        </li>
      ))}
    </ul>
  )
}
