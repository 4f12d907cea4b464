import type { ViewerQuery } from "../gql/graphql";
import { credits, day } from "../format";

type Viewer = ViewerQuery["viewer"];

const MIN_HISTORY_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

/** Whole local days from one instant's day to another's. */
function daysBetween(from: string, to: string): number {
  const start = new Date(from);
  const end = new Date(to);
  const startDay = new Date(start.getFullYear(), start.getMonth(), start.getDate()).getTime();
  const endDay = new Date(end.getFullYear(), end.getMonth(), end.getDate()).getTime();
  return Math.round((endDay - startDay) / DAY_MS);
}

/** The Usage Overview's run-out forecast, in one sentence. */
export function Forecast({ viewer }: { viewer: Viewer }) {
  const forecast = viewer.forecast;
  let sentence: string;
  if (forecast == null) {
    sentence = `A forecast of when your credits run out comes after ${MIN_HISTORY_DAYS} full days of history.`;
  } else if (forecast.runsOutAt == null) {
    sentence = `You have spent no credits in the last ${credits(forecast.basisDays)} days: at this pace they do not run out.`;
  } else if (forecast.beforeRefresh) {
    const early = daysBetween(forecast.runsOutAt, viewer.nextRefreshAt);
    const before = early === 0 ? "the day of your refresh" : `${credits(early)} day${early === 1 ? "" : "s"} before your refresh`;
    sentence = `At this pace your credits last until ${day(forecast.runsOutAt)}, ${before}.`;
  } else {
    sentence = `At this pace your credits last past your next refresh on ${day(viewer.nextRefreshAt)}.`;
  }
  return (
    <section class="card forecast" aria-labelledby="forecast-heading">
      <h2 id="forecast-heading">Forecast</h2>
      <p class="forecast-sentence">{sentence}</p>
      {forecast != null && (
        <p class="hint">
          From the last {credits(forecast.basisDays)} days: about {credits(Math.round(forecast.dailyRate))} credits a
          day.
        </p>
      )}
      <p>
        <a href="/campaign">Plan a campaign</a> to see whether it fits, and the cheapest way to make it fit.
      </p>
    </section>
  );
}
