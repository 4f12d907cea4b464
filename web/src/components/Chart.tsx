// Chart.js, registering only the parts these charts use (tree-shaken).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  type ChartConfiguration,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

ChartJs.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  Filler,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Colours for the creative kinds and the balance line, distinct for common colour blindness. */
export const PALETTE = ["#3056d3", "#e07b00", "#14866d", "#8f3fbf"];

/** A chart drawn on a canvas; its `summary` names it for assistive technology, and the page
 * gives the figures as a table too. */
export function Chart({ config, summary }: { config: ChartConfiguration; summary: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current === null) return undefined;
    const chart = new ChartJs(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
