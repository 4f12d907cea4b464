import { useQuery } from "@urql/preact";
import { useState } from "preact/hooks";

import { UsageByKindDocument } from "../gql/graphql";
import { CREATIVE_KINDS, credits, localYear } from "../format";
import { Empty, Failed, Loading } from "./states";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });
const average = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** Which creative kinds cost the most this period and this year: share of credits, count, average. */
export function UsageByKind({ periodStart }: { periodStart: string }) {
  const year = new Date().getFullYear();
  // Fixed once: a range ending at each render's now would ask again at every render.
  const [now] = useState(() => new Date().toISOString());
  return (
    <section class="card" aria-labelledby="kinds-heading">
      <h2 id="kinds-heading">What costs the most</h2>
      <div class="kinds-grid">
        <KindTable title="This period" range={{ from: periodStart, to: now }} />
        <KindTable title={`In ${year}`} range={localYear(year)} />
      </div>
    </section>
  );
}

function KindTable({ title, range }: { title: string; range: { from: string; to: string } }) {
  const [usage, refetch] = useQuery({ query: UsageByKindDocument, variables: range });
  const report = usage.data?.viewer.usage;
  if (usage.error) return <Failed error={usage.error} retry={() => refetch({ requestPolicy: "network-only" })} />;
  if (!report) return <Loading what={`usage ${title.toLowerCase()}`} />;
  if (report.totalCredits === 0) return <Empty title={`${title}: no credits used yet.`} />;
  const kinds = [...report.byKind].sort((a, b) => b.credits - a.credits);
  return (
    <table class="kinds">
      <caption>{title}, by creative kind</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Share of credits</th>
          <th scope="col">Credits</th>
          <th scope="col">Creatives</th>
          <th scope="col">Average each</th>
        </tr>
      </thead>
      <tbody>
        {kinds.map((kind) => (
          <tr key={kind.kind}>
            <th scope="row">{CREATIVE_KINDS[kind.kind]}</th>
            <td>
              <span class="share-bar" style={{ width: `${Math.round(kind.shareOfCredits * 100)}%` }} aria-hidden="true" />
              {percent.format(kind.shareOfCredits)}
            </td>
            <td>{credits(kind.credits)}</td>
            <td>{credits(kind.creatives)}</td>
            <td>{kind.averageCredits == null ? "–" : average.format(kind.averageCredits)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
