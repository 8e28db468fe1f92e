/**
 * A bar chart of received vs resolved per unit, drawn by Chart.js on a canvas. Only the parts a bar chart needs are
 * registered, so the bundle carries no other chart type. The canvas is an image for screen readers; the table
 * beside it holds the same figures.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js"
import { useEffect, useRef } from "preact/hooks"

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

/** The bars' colours (also what the browser test looks for on the canvas). */
export const colours = { received: "rgb(29, 78, 216)", resolved: "rgb(21, 128, 61)" }

export interface Series {
  readonly labels: ReadonlyArray<string>
  readonly received: ReadonlyArray<number>
  readonly resolved: ReadonlyArray<number>
  readonly names: { readonly received: string; readonly resolved: string }
}

export const BarChart = (props: { readonly series: Series; readonly title: string }) => {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const { series } = props
    const chart = new Chart(canvas.current!, {
      type: "bar",
      data: {
        labels: [...series.labels],
        datasets: [
          { label: series.names.received, data: [...series.received], backgroundColor: colours.received },
          { label: series.names.resolved, data: [...series.resolved], backgroundColor: colours.resolved }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    })
    return () => chart.destroy()
  }, [props.series])
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={props.title} />
    </div>
  )
}
