import type { ChartConfiguration } from "chart.js";
import { useEffect, useRef, useState } from "preact/hooks";

/** Colours for the creative kinds and the balance line, distinct for common colour blindness. */
export const PALETTE = ["#3056d3", "#e07b00", "#14866d", "#8f3fbf"];

/** A chart on a canvas; Chart.js is fetched with the first one, so the pages show without waiting
 * for it. `summary` names the chart for assistive technology; the page gives the figures as a table. */
export function Chart({ config, summary }: { config: ChartConfiguration; summary: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let remove: (() => void) | undefined;
    let unmounted = false;
    void import("./charts").then(({ draw }) => {
      if (unmounted || !canvas.current) return;
      remove = draw(canvas.current, config);
      setDrawn(true);
    });
    return () => {
      unmounted = true;
      remove?.();
    };
  }, [config]);
  return (
    <div class="chart" aria-busy={!drawn}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
