/**
 * The statistics' bar charts, drawn by Chart.js on a canvas: one or more series over the same labels (units,
 * channels, months, deadline kinds, durations), side by side or stacked. Only the parts a bar chart needs are
 * registered, so the bundle carries no other chart type. Each canvas is an image for screen readers, labelled with
 * its title; the table under it holds the same figures.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js"
import { useEffect, useRef } from "preact/hooks"

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

/** The series' colours (the browser test looks for "received" on the canvas). */
export const colours = {
  received: "rgb(29, 78, 216)",
  resolved: "rgb(21, 128, 61)",
  met: "rgb(21, 128, 61)",
  metLate: "rgb(202, 138, 4)",
  missed: "rgb(185, 28, 28)",
  p50: "rgb(29, 78, 216)",
  p90: "rgb(126, 34, 206)"
} as const

export interface Series {
  readonly name: string
  readonly colour: keyof typeof colours
  readonly values: ReadonlyArray<number | null>
}

export const Bars = (props: {
  readonly id: string
  readonly title: string
  readonly labels: ReadonlyArray<string>
  readonly series: ReadonlyArray<Series>
  readonly stacked?: boolean
  /** Whole counts get whole ticks; durations (hours) keep their decimals. */
  readonly counts?: boolean
}) => {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const stacked = props.stacked ?? false
    const chart = new Chart(canvas.current!, {
      type: "bar",
      data: {
        labels: [...props.labels],
        datasets: props.series.map((series) => ({
          label: series.name,
          data: [...series.values],
          backgroundColor: colours[series.colour]
        }))
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ticks: props.counts === false ? {} : { precision: 0 } }
        }
      }
    })
    return () => chart.destroy()
  }, [props.labels, props.series, props.stacked, props.counts])
  return (
    <div class="chart" data-chart={props.id}>
      <canvas ref={canvas} role="img" aria-label={props.title} />
    </div>
  )
}
