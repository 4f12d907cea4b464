// Chart.js, registering only the parts these charts use (tree-shaken); loaded with the first chart.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
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

/** Draws `config` on `canvas`, without animation: the figures appear at once (and nothing moves for
 * people who prefer it so). Returns what removes it. */
export function draw(canvas: HTMLCanvasElement, config: ChartConfiguration): () => void {
  const chart = new Chart(canvas, { ...config, options: { ...config.options, animation: false } });
  return () => chart.destroy();
}
