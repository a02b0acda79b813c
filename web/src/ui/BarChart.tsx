import { useId } from 'react'
import './BarChart.css'
import { niceStep } from './bar-chart-scale'

export interface BarSeries {
  name: string
  /** One value per category, in the categories' order. */
  values: number[]
}

const WIDTH = 640
const HEIGHT = 260
const PLOT = { left: 64, right: 12, top: 12, bottom: 40 }
const COLOURS = ['#1f4e79', '#c0620b', '#2f7d4a', '#8e3b8e', '#5a6472', '#a4262c']

interface Layout {
  max: number
  ticks: number[]
  band: number
  barWidth: number
  /** Where a value sits on the SVG's y axis. */
  y: (value: number) => number
}

const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom
const BASELINE = PLOT.top + PLOT_HEIGHT

function layout(categories: number, series: BarSeries[], wholeNumbers: boolean): Layout {
  const max = Math.max(0, ...series.flatMap((s) => s.values))
  const step = niceStep(max, wholeNumbers)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const band = PLOT_WIDTH / Math.max(1, categories)
  return {
    max,
    ticks: max === 0 ? [0] : Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step),
    band,
    barWidth: (band * 0.8) / Math.max(1, series.length),
    y: (value) => BASELINE - (Math.max(0, value) / top) * PLOT_HEIGHT,
  }
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
  const plot = layout(categories.length, series, wholeNumbers)
  return (
    <figure className="bar-chart">
      {/* On a phone the chart keeps a readable size and scrolls sideways (by keyboard too). */}
      <div className={plot.max === 0 ? 'bar-chart-scroll empty-chart' : 'bar-chart-scroll'} tabIndex={0}>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          <g aria-hidden="true">
            <ValueAxis plot={plot} format={format} />
            {categories.map((category, index) => (
              <Bars
                key={category}
                plot={plot}
                index={index}
                label={categoryLabel(category)}
                values={series.map((s) => s.values[index] ?? 0)}
              />
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

function ValueAxis({ plot, format }: { plot: Layout; format: (value: number) => string }) {
  return (
    <>
      {plot.ticks.map((tick) => (
        <g key={tick}>
          <line x1={PLOT.left} x2={WIDTH - PLOT.right} y1={plot.y(tick)} y2={plot.y(tick)} className="grid" />
          <text x={PLOT.left - 6} y={plot.y(tick) + 4} textAnchor="end">
            {format(tick)}
          </text>
        </g>
      ))}
      {plot.max === 0 ? (
        <text
          x={PLOT.left + PLOT_WIDTH / 2}
          y={PLOT.top + PLOT_HEIGHT / 2}
          textAnchor="middle"
          className="nothing"
        >
          Nothing in these dates
        </text>
      ) : null}
    </>
  )
}

/** One category's bars, side by side, and its label beneath. */
function Bars({
  plot,
  index,
  label,
  values,
}: {
  plot: Layout
  index: number
  label: string
  values: number[]
}) {
  const left = PLOT.left + index * plot.band
  return (
    <g>
      {values.map((value, position) => (
        <rect
          key={position}
          x={left + plot.band * 0.1 + position * plot.barWidth}
          y={plot.y(value)}
          width={Math.max(1, plot.barWidth - 1)}
          height={BASELINE - plot.y(value)}
          fill={COLOURS[position % COLOURS.length]}
        />
      ))}
      <text x={left + plot.band / 2} y={HEIGHT - PLOT.bottom + 16} textAnchor="middle">
        {label}
      </text>
    </g>
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
