import { useQuery } from "@urql/preact";
import type { ChartConfiguration } from "chart.js";
import { useMemo } from "preact/hooks";

import { AutoTopUp } from "../components/AutoTopUp";
import { BuyCredits } from "../components/BuyCredits";
import { Chart, PALETTE } from "../components/Chart";
import { Forecast } from "../components/Forecast";
import { UsageByKind } from "../components/UsageByKind";
import { Empty, Failed, Loading } from "../components/states";
import {
  type CreativeKind,
  type UsageQuery,
  UsageDocument,
  type ViewerQuery,
  ViewerDocument,
} from "../gql/graphql";
import { CREATIVE_KINDS, LOT_SOURCES, credits, day, localYear, monthNames } from "../format";
import { usePageTitle } from "../title";

const EXPIRING_WITHIN_DAYS = 30;
const BANNER_NOTICES = new Set(["LOW_CREDITS", "CREDITS_EXPIRING"]);
const FREE_PLAN = "free";

type Viewer = ViewerQuery["viewer"];

export function Overview() {
  usePageTitle("Usage Overview");
  const [viewer, refetch] = useQuery({ query: ViewerDocument });
  return (
    <>
      <h1>Usage Overview</h1>
      {viewer.data ? (
        <>
          <Notices viewer={viewer.data.viewer} />
          <div class="overview-grid">
            <CreditsBox viewer={viewer.data.viewer} />
            <ExpiringSoon viewer={viewer.data.viewer} />
          </div>
          <Forecast viewer={viewer.data.viewer} />
          <BuyCredits paidPlan={viewer.data.viewer.plan.id !== FREE_PLAN} card={viewer.data.viewer.card ?? null} />
          <AutoTopUp
            paidPlan={viewer.data.viewer.plan.id !== FREE_PLAN}
            hasCard={viewer.data.viewer.card != null}
            setting={viewer.data.viewer.autoTopUp ?? null}
          />
          <UsageByMonth />
          <UsageByKind periodStart={viewer.data.viewer.currentPeriod.start} />
        </>
      ) : viewer.error ? (
        <Failed error={viewer.error} retry={() => refetch({ requestPolicy: "network-only" })} />
      ) : (
        <Loading what="your credits" />
      )}
    </>
  );
}

function Notices({ viewer }: { viewer: Viewer }) {
  const shown = viewer.notices.filter(
    (notice) =>
      BANNER_NOTICES.has(notice.kind) && Date.parse(notice.at) >= Date.parse(viewer.currentPeriod.start),
  );
  if (shown.length === 0) return null;
  return (
    <section class="notices" aria-label="Notices">
      {shown.map((notice) => (
        <p key={notice.id} class="banner warning">
          {notice.wouldBuy
            ? `${notice.message}: about ${notice.wouldBuy.creatives}, what you make most.`
            : notice.message}
        </p>
      ))}
    </section>
  );
}

function CreditsBox({ viewer }: { viewer: Viewer }) {
  const balance = viewer.credits;
  const canceling = viewer.status === "CANCELING" && viewer.endsAt != null;
  return (
    <section class="card credits-box" aria-labelledby="credits-heading">
      <h2 id="credits-heading">Credits</h2>
      <p class="figure">
        <span class="figure-number">{credits(balance.available)}</span> available
      </p>
      <progress
        class="usage-bar"
        max={Math.max(balance.grantedThisPeriod, 1)}
        value={Math.min(balance.usedThisPeriod, balance.grantedThisPeriod)}
        aria-label="Credits used this period"
      />
      <p>
        {credits(balance.usedThisPeriod)} of {credits(balance.grantedThisPeriod)} used this period
      </p>
      <dl class="facts">
        <div>
          <dt>Reserved for jobs in progress</dt>
          <dd>{credits(balance.reserved)}</dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd>
            {viewer.plan.name}, {viewer.interval === "ANNUAL" ? "Annual" : "Monthly"}
          </dd>
        </div>
        <div>
          <dt>{canceling ? "Plan ends" : "Next refresh"}</dt>
          <dd>{day(canceling && viewer.endsAt ? viewer.endsAt : viewer.nextRefreshAt)}</dd>
        </div>
      </dl>
      <div class="card-actions">
        <a href="/history">View Credits History</a>
        <a class="button primary" href="/plan">
          Upgrade
        </a>
      </div>
    </section>
  );
}

function ExpiringSoon({ viewer }: { viewer: Viewer }) {
  const expiring = viewer.expiringSoon;
  return (
    <section class="card" aria-labelledby="expiring-heading">
      <h2 id="expiring-heading">Expiring soon</h2>
      {expiring.length === 0 ? (
        <p>No credits expire in the next {EXPIRING_WITHIN_DAYS} days.</p>
      ) : (
        <ul class="lots">
          {expiring.map((lot) => (
            <li key={lot.lotId}>
              <strong>{credits(lot.credits)}</strong> {LOT_SOURCES[lot.source].toLowerCase()} expire on{" "}
              {day(lot.expiresAt)}
              {lot.wouldBuy && `: about ${lot.wouldBuy.creatives}, what you make most`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const KINDS = Object.keys(CREATIVE_KINDS) as CreativeKind[];

/** Credits per month of `year` (Jan to Dec, the API's calendar months) and creative kind. */
function monthlyTable(usage: UsageQuery["viewer"]["usage"], year: number): Record<CreativeKind, number[]> {
  const table = Object.fromEntries(KINDS.map((kind) => [kind, monthNames.map(() => 0)])) as Record<
    CreativeKind,
    number[]
  >;
  for (const month of usage.byMonth) {
    const [monthYear, monthNumber] = month.month.split("-").map(Number);
    if (monthYear !== year || monthNumber === undefined) continue;
    for (const spent of month.byKind) table[spent.kind][monthNumber - 1] = spent.credits;
  }
  return table;
}

function UsageByMonth() {
  const year = new Date().getFullYear();
  const [usage, refetch] = useQuery({ query: UsageDocument, variables: localYear(year) });
  const report = usage.data?.viewer.usage;
  const table = useMemo(() => (report ? monthlyTable(report, year) : null), [report, year]);
  const config = useMemo<ChartConfiguration | null>(
    () =>
      table && {
        type: "bar",
        data: {
          labels: monthNames,
          datasets: KINDS.map((kind, index) => ({
            label: CREATIVE_KINDS[kind],
            data: table[kind],
            backgroundColor: PALETTE[index],
          })),
        },
        options: {
          maintainAspectRatio: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "Credits" } } },
        },
      },
    [table],
  );
  return (
    <section class="card" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Credits used per month in {year}, by creative kind</h2>
      {usage.error ? (
        <Failed error={usage.error} retry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !report || !table || !config ? (
        <Loading what="your usage" />
      ) : report.totalCredits === 0 ? (
        <Empty title={`No credits used in ${year} yet.`}>
          <p>Each image or video you create shows here, month by month.</p>
        </Empty>
      ) : (
        <figure>
          <Chart config={config} summary={`Bar chart: ${credits(report.totalCredits)} credits used in ${year}, by month and creative kind. The table below gives the figures.`} />
          <div class="visually-hidden">
          <table>
            <caption>Credits used per month in {year}, by creative kind</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                {KINDS.map((kind) => (
                  <th key={kind} scope="col">
                    {CREATIVE_KINDS[kind]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {monthNames.map((name, month) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  {KINDS.map((kind) => (
                    <td key={kind}>{credits(table[kind][month] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </figure>
      )}
    </section>
  );
}
