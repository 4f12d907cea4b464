// A chart's time axis without a date adapter: the ticks of a range of instants, at whole local
// months, days or hours, labelled with Intl in the person's locale and time zone.

export type TimeUnit = "month" | "day" | "hour";

export interface TimeTicks {
  unit: TimeUnit;
  /** The ticks' instants (ms since the epoch), first to last. */
  values: number[];
  /** Each tick's label, as the axis shows it. */
  labels: string[];
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const MOST_TICKS = 10;
const STEPS: Record<TimeUnit, number[]> = { month: [1, 2, 3, 6, 12], day: [1, 2, 7, 14], hour: [1, 3, 6, 12] };

const monthAndYear = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" });
const monthOnly = new Intl.DateTimeFormat(undefined, { month: "short" });
const monthAndDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const hourOfDay = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

function unitOf(range: number): TimeUnit {
  if (range >= 60 * DAY) return "month";
  if (range >= 2 * DAY) return "day";
  return "hour";
}

/** The first whole unit (local time) at or after about `instant`. */
function startOf(unit: TimeUnit, instant: number): Date {
  const at = new Date(instant);
  if (unit === "month") {
    const started = at.getDate() > 1 || at.getHours() > 0;
    return new Date(at.getFullYear(), at.getMonth() + (started ? 1 : 0), 1);
  }
  if (unit === "day") return new Date(at.getFullYear(), at.getMonth(), at.getDate() + (at.getHours() > 0 ? 1 : 0));
  return new Date(at.getFullYear(), at.getMonth(), at.getDate(), at.getHours() + 1);
}

/** `step` units after `moment`. */
function after(unit: TimeUnit, moment: Date, step: number): Date {
  if (unit === "month") return new Date(moment.getFullYear(), moment.getMonth() + step, 1);
  if (unit === "day") return new Date(moment.getFullYear(), moment.getMonth(), moment.getDate() + step);
  return new Date(moment.getFullYear(), moment.getMonth(), moment.getDate(), moment.getHours() + step);
}

/** A month's label names its year on the first tick and where the year turns. */
function label(unit: TimeUnit, moment: Date, previous: Date | null): string {
  if (unit === "month")
    return previous?.getFullYear() === moment.getFullYear() ? monthOnly.format(moment) : monthAndYear.format(moment);
  if (unit === "day") return monthAndDay.format(moment);
  return hourOfDay.format(moment);
}

/** Ticks from `min` to `max` (ms): months over a range of two months or more, days over two days or
 * more, hours below; the smallest step that keeps them to ten or fewer. */
export function timeTicks(min: number, max: number): TimeTicks {
  const unit = unitOf(max - min);
  const first = startOf(unit, min);
  let values: number[] = [];
  for (const step of STEPS[unit]) {
    values = [];
    for (let tick = first; tick.getTime() <= max; tick = after(unit, tick, step)) values.push(tick.getTime());
    if (values.length <= MOST_TICKS) break;
  }
  const labels = values.map((value, n) => {
    const before = values[n - 1];
    return label(unit, new Date(value), before === undefined ? null : new Date(before));
  });
  return { unit, values, labels };
}
