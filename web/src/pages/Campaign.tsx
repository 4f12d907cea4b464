import { useQuery } from "@urql/preact";
import { useLocation } from "preact-iso";
import { useEffect, useMemo, useState } from "preact/hooks";

import { BuyDialog, type Pack } from "../components/BuyCredits";
import { Failed, Loading } from "../components/states";
import {
  campaignItem,
  campaignSearch,
  type Line,
  lineCreative,
  newLine,
  parseLine,
  resolutionsFor,
} from "../campaign";
import { CREATIVE_KINDS, creativeText, credits, day, localDays, money, parseDay, RESOLUTIONS } from "../format";
import { type CreativeKind, type PlanCampaignQuery, PlanCampaignDocument, type Resolution } from "../gql/graphql";
import { usePageTitle } from "../title";

type Answer = PlanCampaignQuery["planCampaign"];
type Fix = Answer["fixes"][number];

const MAX_LINES = 20;
const MAX_COUNT = 1000;
const HORIZON_MONTHS = 12;

const isoDay = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/** The last day of next month: a campaign "by the end of next month". */
function defaultBy(): string {
  const today = new Date();
  return isoDay(new Date(today.getFullYear(), today.getMonth() + 2, 0));
}

function fromAddress(search: string): { lines: Line[]; by: string } {
  const query = new URLSearchParams(search);
  const lines = query
    .getAll("line")
    .map(parseLine)
    .filter((line): line is Line => line !== null)
    .slice(0, MAX_LINES);
  return { lines: lines.length ? lines : [newLine()], by: query.get("by") ?? defaultBy() };
}

export function Campaign() {
  usePageTitle("Plan a campaign");
  const { url } = useLocation();
  const [initial] = useState(() => fromAddress(url.includes("?") ? url.slice(url.indexOf("?")) : ""));
  const [lines, setLines] = useState<Line[]>(initial.lines);
  const [by, setBy] = useState(initial.by);

  useEffect(() => {
    // The campaign stays in the address, to share or reopen; no new history entry per keystroke.
    history.replaceState(history.state, "", `/campaign${campaignSearch(lines, by)}`);
  }, [lines, by]);

  const byDay = parseDay(by);
  const variables = useMemo(
    () => (byDay ? { input: { items: lines.map(campaignItem), by: localDays(byDay, byDay).to } } : null),
    [lines, by],
  );

  const update = (index: number, changed: Partial<Line>) =>
    setLines((all) => all.map((line, at) => (at === index ? { ...line, ...changed } : line)));

  const today = new Date();
  const latest = new Date(today.getFullYear(), today.getMonth() + HORIZON_MONTHS, today.getDate() - 1);
  return (
    <>
      <h1>Plan a campaign</h1>
      <p>
        Add what the campaign makes and when it must be done by: the answer shows what each line costs, whether it
        fits your credits, and the cheapest way to make it fit.
      </p>
      <form class="card campaign-form" aria-labelledby="campaign-lines-heading" onSubmit={(event) => event.preventDefault()}>
        <h2 id="campaign-lines-heading">The campaign</h2>
        <ol class="campaign-lines">
          {lines.map((line, index) => (
            <LineFields
              key={index}
              line={line}
              index={index}
              onChange={(changed) => update(index, changed)}
              onRemove={lines.length > 1 ? () => setLines((all) => all.filter((_, at) => at !== index)) : null}
            />
          ))}
        </ol>
        <div class="card-actions">
          <button
            type="button"
            class="button"
            disabled={lines.length >= MAX_LINES}
            onClick={() => setLines((all) => [...all, newLine()])}
          >
            Add a line
          </button>
          <label class="field">
            Done by
            <input
              type="date"
              value={by}
              min={isoDay(today)}
              max={isoDay(latest)}
              required
              onInput={(event) => setBy(event.currentTarget.value)}
            />
          </label>
        </div>
      </form>
      {variables ? (
        <CampaignAnswer variables={variables} lines={lines} />
      ) : (
        <p class="refusal" role="alert">
          Choose the date the campaign must be done by.
        </p>
      )}
    </>
  );
}

function LineFields({
  line,
  index,
  onChange,
  onRemove,
}: {
  line: Line;
  index: number;
  onChange: (changed: Partial<Line>) => void;
  onRemove: (() => void) | null;
}) {
  const number = index + 1;
  const resolutions = resolutionsFor(line.kind);
  const integer = (value: string, fallback: number) => (Number.isInteger(Number(value)) && value !== "" ? Number(value) : fallback);
  return (
    <li class="campaign-line">
      <fieldset>
        <legend>Line {number}</legend>
        <label class="field">
          Kind
          <select
            value={line.kind}
            onChange={(event) => {
              const kind = event.currentTarget.value as CreativeKind;
              const allowed = resolutionsFor(kind);
              onChange({ kind, resolution: allowed.includes(line.resolution) ? line.resolution : "RES_1080P" });
            }}
          >
            {(Object.keys(CREATIVE_KINDS) as CreativeKind[]).map((kind) => (
              <option key={kind} value={kind}>
                {CREATIVE_KINDS[kind]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Resolution
          <select value={line.resolution} onChange={(event) => onChange({ resolution: event.currentTarget.value as Resolution })}>
            {resolutions.map((resolution) => (
              <option key={resolution} value={resolution}>
                {RESOLUTIONS[resolution]}
              </option>
            ))}
          </select>
        </label>
        {line.kind !== "IMAGE" && (
          <label class="field">
            Length (seconds)
            <input
              type="number"
              min={2}
              max={60}
              value={line.seconds}
              onInput={(event) => onChange({ seconds: integer(event.currentTarget.value, line.seconds) })}
            />
          </label>
        )}
        {line.kind === "MULTI_SHOT_VIDEO" && (
          <label class="field">
            Shots
            <input
              type="number"
              min={3}
              max={5}
              value={line.shots}
              onInput={(event) => onChange({ shots: integer(event.currentTarget.value, line.shots) })}
            />
          </label>
        )}
        <label class="field">
          Outputs each
          <input
            type="number"
            min={1}
            max={25}
            value={line.outputs}
            onInput={(event) => onChange({ outputs: integer(event.currentTarget.value, line.outputs) })}
          />
        </label>
        <label class="field checkbox">
          <input type="checkbox" checked={line.premium} onChange={(event) => onChange({ premium: event.currentTarget.checked })} />
          Premium model
        </label>
        <label class="field checkbox">
          <input
            type="checkbox"
            checked={line.template}
            onChange={(event) => onChange({ template: event.currentTarget.checked })}
          />
          Advanced template
        </label>
        <label class="field">
          How many
          <input
            type="number"
            min={1}
            max={MAX_COUNT}
            value={line.count}
            onInput={(event) => onChange({ count: integer(event.currentTarget.value, line.count) })}
          />
        </label>
        {onRemove && (
          <button type="button" class="button quiet" aria-label={`Remove line ${number}`} onClick={onRemove}>
            Remove
          </button>
        )}
      </fieldset>
    </li>
  );
}

function CampaignAnswer({
  variables,
  lines,
}: {
  variables: { input: { items: ReturnType<typeof campaignItem>[]; by: string } };
  lines: Line[];
}) {
  const [answer, refetch] = useQuery({ query: PlanCampaignDocument, variables });
  const [buying, setBuying] = useState<Pack | null>(null);
  const [bought, setBought] = useState<string | null>(null);
  const plan = answer.data?.planCampaign;
  return (
    <section class="card" aria-labelledby="answer-heading" aria-busy={answer.fetching}>
      <h2 id="answer-heading">The answer</h2>
      <p class="status-line" role="status">
        {bought}
      </p>
      {answer.error ? (
        <Failed error={answer.error} retry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !plan || !answer.data ? (
        <Loading what="the answer" />
      ) : (
        <>
          <p class="campaign-verdict" aria-live="polite">
            {verdict(plan)}
          </p>
          {!plan.allowed && (
            <div class="banner warning">
              <p>Your plan does not allow every line:</p>
              <ul>
                {plan.blockedBy.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              {plan.cheapestPlanAllowing && <p>The {plan.cheapestPlanAllowing.name} plan allows them all.</p>}
            </div>
          )}
          <table class="campaign-costs">
            <caption>What each line costs</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">How many</th>
                <th scope="col">Credits each</th>
                <th scope="col">Credits</th>
              </tr>
            </thead>
            <tbody>
              {plan.lines.map((priced, index) => {
                const line = lines[index];
                return (
                  <tr key={index}>
                    <th scope="row">
                      {line ? creativeText(lineCreative(line)) : `Line ${index + 1}`}
                      {!priced.quote.allowed && " (not in your plan)"}
                    </th>
                    <td>{credits(priced.count)}</td>
                    <td>{credits(priced.quote.credits)}</td>
                    <td>{credits(priced.credits)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td>{credits(plan.totalCredits)}</td>
              </tr>
            </tfoot>
          </table>
          <dl class="facts">
            <div>
              <dt>Available now</dt>
              <dd>{credits(plan.availableNow)}</dd>
            </div>
            {plan.refreshes.map((refresh) => (
              <div key={refresh.at}>
                <dt>Refresh on {day(refresh.at)}</dt>
                <dd>
                  +{credits(refresh.credits)} ({refresh.plan.name})
                </dd>
              </div>
            ))}
            <div>
              <dt>Expire unused by {day(plan.by)}</dt>
              <dd>{credits(plan.expiringCredits)}</dd>
            </div>
            <div>
              <dt>On {day(plan.by)}, if nothing is spent until then</dt>
              <dd>{credits(plan.creditsBy)}</dd>
            </div>
          </dl>
          {plan.fixes.length > 0 && (
            <section aria-labelledby="fixes-heading">
              <h3 id="fixes-heading">Ways to make it fit</h3>
              <ol class="fixes">
                {plan.fixes.map((fix, index) => (
                  <li key={index} class={index === 0 ? "fix cheapest" : "fix"}>
                    <p>
                      {index === 0 && <strong>Cheapest: </strong>}
                      {fixText(fix)}: {money(fix.priceCents)} now, for {credits(fix.creditsAfter)} credits to
                      make it with.
                    </p>
                    <FixAction fix={fix} onBuy={setBuying} />
                  </li>
                ))}
              </ol>
              <p class="hint">
                Renewals on a paid plan are counted as paid by your card on file; prices are what is due now.
              </p>
            </section>
          )}
          {buying && (
            <BuyDialog
              pack={buying}
              card={answer.data.viewer.card ?? null}
              onClose={() => setBuying(null)}
              onDone={(message) => {
                setBuying(null);
                setBought(message);
                refetch({ requestPolicy: "network-only" });
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function verdict(plan: Answer): string {
  const total = credits(plan.totalCredits);
  if (!plan.allowed) return `The campaign costs ${total} credits, but your plan does not allow every line.`;
  if (plan.fitsNow)
    return `It fits now: ${total} of your ${credits(plan.availableNow)} available credits, leaving ${credits(plan.availableAfter ?? 0)}.`;
  if (plan.fitsBy)
    return `It does not fit now, but fits by ${day(plan.by)}: ${total} of the ${credits(plan.creditsBy)} credits you will have then.`;
  return `It does not fit by ${day(plan.by)}: it costs ${total} credits, ${credits(plan.shortfall)} more than you will have.`;
}

function packsText(fix: Fix): string {
  return fix.packs.map((packs) => `${credits(packs.count)} × ${credits(packs.pack.credits)}-credit pack`).join(" and ");
}

function fixText(fix: Fix): string {
  const upgrade = fix.upgrade && `Upgrade to ${fix.upgrade.plan.name}`;
  const packs = fix.packs.length > 0 ? `buy ${packsText(fix)}` : null;
  if (upgrade && packs) return `${upgrade} (${money(fix.upgrade?.amountDueNowCents ?? 0)}) and ${packs}`;
  if (upgrade) return upgrade;
  return packs ? packs.charAt(0).toUpperCase() + packs.slice(1) : "";
}

function FixAction({ fix, onBuy }: { fix: Fix; onBuy: (pack: Pack) => void }) {
  if (fix.upgrade)
    return (
      <a class="button primary" href={`/plan?upgrade=${fix.upgrade.plan.id}&interval=${fix.upgrade.interval}`}>
        Upgrade to {fix.upgrade.plan.name}
      </a>
    );
  return (
    <div class="fix-actions">
      {fix.packs.map((packs) => (
        <button key={packs.pack.id} type="button" class="button primary" onClick={() => onBuy(packs.pack)}>
          Buy a {credits(packs.pack.credits)}-credit pack ({money(packs.pack.priceCents)})
        </button>
      ))}
    </div>
  );
}
