import { CombinedError } from "@urql/core";
import { type Client, useClient } from "@urql/preact";
import type { ChartConfiguration } from "chart.js";
import { useLocation } from "preact-iso";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";

import { Chart, PALETTE } from "../components/Chart";
import { Empty, Failed, Loading } from "../components/states";
import {
  type CreativeKind,
  type EntryKind,
  type HistoryFilter,
  type HistoryQuery,
  HistoryDocument,
} from "../gql/graphql";
import {
  CREATIVE_KINDS,
  ENTRY_KINDS,
  creativeText,
  credits,
  dateTime,
  localDays,
  localYear,
  parseDay,
  signedCredits,
} from "../format";
import { timeTicks } from "../timeAxis";
import { usePageTitle } from "../title";

const PAGE_SIZE = 20;
const EXPORT_PAGE_SIZE = 100;
const YEARS_OFFERED = 6;

type Entry = HistoryQuery["viewer"]["history"]["edges"][number]["node"];

/** The filters as the address keeps them: ?year=2026 or ?from=…&to=…, &kind=CONSUME&creative=IMAGE. */
interface Filters {
  year: string;
  from: string;
  to: string;
  kinds: EntryKind[];
  creativeKinds: CreativeKind[];
}

function filtersOf(search: string): Filters {
  const query = new URLSearchParams(search);
  return {
    year: query.get("year") ?? "",
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    kinds: query.getAll("kind").filter((kind): kind is EntryKind => kind in ENTRY_KINDS),
    creativeKinds: query.getAll("creative").filter((kind): kind is CreativeKind => kind in CREATIVE_KINDS),
  };
}

function searchOf(filters: Filters): string {
  const query = new URLSearchParams();
  if (filters.year) query.set("year", filters.year);
  else {
    if (filters.from) query.set("from", filters.from);
    if (filters.to) query.set("to", filters.to);
  }
  for (const kind of filters.kinds) query.append("kind", kind);
  for (const kind of filters.creativeKinds) query.append("creative", kind);
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** The API's filter: a year is the person's local year, dates are whole local days. */
function apiFilter(filters: Filters): HistoryFilter {
  const filter: HistoryFilter = {};
  const year = Number(filters.year);
  if (filters.year && Number.isInteger(year)) Object.assign(filter, localYear(year));
  else {
    const first = parseDay(filters.from);
    const last = parseDay(filters.to);
    if (first) filter.from = localDays(first, first).from;
    if (last) filter.to = localDays(last, last).to;
  }
  if (filters.kinds.length) filter.kinds = filters.kinds;
  if (filters.creativeKinds.length) filter.creativeKinds = filters.creativeKinds;
  return filter;
}

interface Page {
  entries: Entry[];
  endCursor: string | null;
  hasNextPage: boolean;
}

async function fetchPage(client: Client, filter: HistoryFilter, first: number, after: string | null): Promise<Page> {
  const result = await client
    .query(HistoryDocument, { filter, first, after }, { requestPolicy: "network-only" })
    .toPromise();
  if (result.error) throw result.error;
  const history = result.data?.viewer.history;
  if (!history) throw new CombinedError({ graphQLErrors: [{ message: "The history could not be read. Try again." }] });
  return {
    entries: history.edges.map((edge) => edge.node),
    endCursor: history.pageInfo.endCursor ?? null,
    hasNextPage: history.pageInfo.hasNextPage,
  };
}

interface Ledger extends Page {
  loading: boolean;
  error: CombinedError | null;
}

/** The entries shown: the first page under the filter, then each page "Load more" adds. */
function useLedger(filter: HistoryFilter) {
  const client = useClient();
  const [ledger, setLedger] = useState<Ledger>({
    entries: [],
    endCursor: null,
    hasNextPage: false,
    loading: true,
    error: null,
  });
  const generation = useRef(0);
  const load = useCallback(
    async (after: string | null, shown: Entry[]) => {
      const current = ++generation.current;
      setLedger((before) => ({ ...before, entries: shown, loading: true, error: null }));
      try {
        const page = await fetchPage(client, filter, PAGE_SIZE, after);
        if (current === generation.current)
          setLedger({ ...page, entries: [...shown, ...page.entries], loading: false, error: null });
      } catch (error) {
        if (current === generation.current)
          setLedger((before) => ({ ...before, loading: false, error: error as CombinedError }));
      }
    },
    [client, filter],
  );
  useEffect(() => void load(null, []), [load]);
  return {
    ledger,
    reload: () => void load(null, []),
    loadMore: () => void load(ledger.endCursor, ledger.entries),
  };
}

export function History() {
  usePageTitle("Credits History");
  const { url } = useLocation();
  const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
  const filters = useMemo(() => filtersOf(search), [search]);
  const filter = useMemo(() => apiFilter(filters), [filters]);
  const { ledger, reload, loadMore } = useLedger(filter);
  const filtered = search !== "";
  return (
    <>
      <h1>Credits History</h1>
      <FilterForm key={search} filters={filters} />
      <div class="history-toolbar">
        <p role="status">
          {ledger.loading || (ledger.error && ledger.entries.length === 0)
            ? ""
            : `${credits(ledger.entries.length)} entries shown${ledger.hasNextPage ? ", more to load" : ""}.`}
        </p>
        <ExportCsv filter={filter} />
      </div>
      {ledger.entries.length > 0 && <BalanceChart entries={ledger.entries} />}
      {ledger.entries.length > 0 ? (
        <EntriesTable entries={ledger.entries} />
      ) : ledger.loading ? (
        <Loading what="your credits history" />
      ) : ledger.error ? null : (
        <Empty title={filtered ? "No entries match these filters." : "No credits history yet."}>
          {filtered ? <a href="/history">Clear the filters</a> : <p>Grants and spending show here as they happen.</p>}
        </Empty>
      )}
      {ledger.error && <Failed error={ledger.error} retry={ledger.entries.length ? loadMore : reload} />}
      {ledger.entries.length > 0 && ledger.loading && <Loading what="more entries" />}
      {ledger.hasNextPage && !ledger.loading && !ledger.error && (
        <button type="button" class="button load-more" onClick={loadMore}>
          Load more
        </button>
      )}
    </>
  );
}

function FilterForm({ filters }: { filters: Filters }) {
  const { route } = useLocation();
  const [draft, setDraft] = useState(filters);
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: YEARS_OFFERED }, (_, back) => String(thisYear - back));
  const toggle = <T extends string>(list: T[], value: T): T[] =>
    list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
  return (
    <form
      class="card filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        route(`/history${searchOf(draft)}`);
      }}
    >
      <div class="filter-dates">
        <label>
          Year
          <select value={draft.year} onChange={(e) => setDraft({ ...draft, year: e.currentTarget.value })}>
            <option value="">Any time</option>
            {years.map((year) => (
              <option key={year} value={year}>
                {year}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input
            type="date"
            value={draft.from}
            disabled={draft.year !== ""}
            onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={draft.to}
            disabled={draft.year !== ""}
            onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
          />
        </label>
      </div>
      <fieldset>
        <legend>What</legend>
        {(Object.keys(ENTRY_KINDS) as EntryKind[]).map((kind) => (
          <label key={kind} class="check">
            <input
              type="checkbox"
              checked={draft.kinds.includes(kind)}
              onChange={() => setDraft({ ...draft, kinds: toggle(draft.kinds, kind) })}
            />
            {ENTRY_KINDS[kind]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Creative kind</legend>
        {(Object.keys(CREATIVE_KINDS) as CreativeKind[]).map((kind) => (
          <label key={kind} class="check">
            <input
              type="checkbox"
              checked={draft.creativeKinds.includes(kind)}
              onChange={() => setDraft({ ...draft, creativeKinds: toggle(draft.creativeKinds, kind) })}
            />
            {CREATIVE_KINDS[kind]}
          </label>
        ))}
      </fieldset>
      <div class="filter-actions">
        <button type="submit" class="button primary">
          Apply filters
        </button>
        <a class="button" href="/history">
          Clear filters
        </a>
      </div>
    </form>
  );
}

const HALF_DAY = 12 * 3600 * 1000;
const UNIT_NAMES = { month: "by month", day: "by day", hour: "by hour" };

/** The balance after each entry shown, as a step line over a time axis: points spaced by time. */
function BalanceChart({ entries }: { entries: Entry[] }) {
  const oldestFirst = useMemo(() => [...entries].reverse(), [entries]);
  // Entries of one instant (a period boundary's expiries, rollover and grant) are one step: the last.
  const points = useMemo(
    () =>
      oldestFirst
        .map((entry) => ({ x: Date.parse(entry.at), y: entry.balanceAfter }))
        .filter((point, n, all) => all[n + 1]?.x !== point.x),
    [oldestFirst],
  );
  const first = points[0]?.x ?? 0;
  const last = points[points.length - 1]?.x ?? 0;
  // A single instant still gets a day around it.
  const [min, max] = last - first < HALF_DAY ? [first - HALF_DAY, last + HALF_DAY] : [first, last];
  const ticks = useMemo(() => timeTicks(min, max), [min, max]);
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "line",
      data: {
        datasets: [
          {
            label: "Balance",
            data: points,
            borderColor: PALETTE[0],
            backgroundColor: "rgba(48, 86, 211, 0.12)",
            fill: true,
            stepped: "after",
            pointRadius: 2,
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => dateTime(new Date(items[0]?.parsed.x ?? 0).toISOString()) } },
        },
        scales: {
          x: {
            type: "linear",
            min,
            max,
            afterBuildTicks: (axis) => {
              axis.ticks = ticks.values.map((value) => ({ value }));
            },
            ticks: { callback: (_value, index) => ticks.labels[index] ?? "" },
          },
          y: { beginAtZero: true, title: { display: true, text: "Credits" } },
        },
      },
    }),
    [points, min, max, ticks],
  );
  const firstEntry = oldestFirst[0];
  const lastEntry = oldestFirst[oldestFirst.length - 1];
  const summary =
    firstEntry && lastEntry
      ? `Step line of the balance over time, ${UNIT_NAMES[ticks.unit]} (${ticks.labels.join(", ")}): ` +
        `${credits(firstEntry.balanceAfter)} credits on ${dateTime(firstEntry.at)}, ` +
        `${credits(lastEntry.balanceAfter)} on ${dateTime(lastEntry.at)}. The table below lists each entry's balance.`
      : "Balance over time";
  return (
    <section class="card" aria-labelledby="balance-heading">
      <h2 id="balance-heading">Balance over time</h2>
      <Chart config={config} summary={summary} />
    </section>
  );
}

function EntriesTable({ entries }: { entries: Entry[] }) {
  return (
    <div class="table-wrap">
      <table class="entries">
        <caption class="visually-hidden">Credits history, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">What</th>
            <th scope="col">Creative</th>
            <th scope="col" class="number">
              Amount
            </th>
            <th scope="col" class="number">
              Balance after
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{dateTime(entry.at)}</td>
              <td>
                <span class="kind">{ENTRY_KINDS[entry.kind]}</span> {entry.description}
              </td>
              <td>{entry.creative ? creativeText(entry.creative) : "—"}</td>
              <td class={entry.amount < 0 ? "number spent" : "number"}>{signedCredits(entry.amount)}</td>
              <td class="number">{credits(entry.balanceAfter)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const CSV_FIELDS = ["Date", "What", "Description", "Creative", "Amount", "Balance after"];

/** Every entry under the filter, all pages, as a CSV file the browser downloads. */
function ExportCsv({ filter }: { filter: HistoryFilter }) {
  const client = useClient();
  const [exporting, setExporting] = useState(false);
  const [problem, setProblem] = useState<CombinedError | null>(null);

  async function exportAll() {
    setExporting(true);
    setProblem(null);
    try {
      const rows: Entry[] = [];
      let after: string | null = null;
      let page: Page;
      do {
        page = await fetchPage(client, filter, EXPORT_PAGE_SIZE, after);
        rows.push(...page.entries);
        after = page.endCursor;
      } while (page.hasNextPage);
      const { unparse } = await import("papaparse");
      const csv = unparse({
        fields: CSV_FIELDS,
        data: rows.map((entry) => [
          entry.at,
          ENTRY_KINDS[entry.kind],
          entry.description,
          entry.creative ? creativeText(entry.creative) : "",
          entry.amount,
          entry.balanceAfter,
        ]),
      });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      link.download = "credits-history.csv";
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      setProblem(error as CombinedError);
    } finally {
      setExporting(false);
    }
  }

  return (
    <div class="export">
      <button type="button" class="button" disabled={exporting} onClick={() => void exportAll()}>
        {exporting ? "Exporting…" : "Export CSV"}
      </button>
      {problem && <Failed error={problem} />}
    </div>
  );
}
