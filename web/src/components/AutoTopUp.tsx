import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";

import { describeError } from "../errors";
import { credits, money } from "../format";
import {
  type AutoTopUpFieldsFragment,
  CreditPacksDocument,
  SetAutoTopUpDocument,
  TurnOffAutoTopUpDocument,
} from "../gql/graphql";
import { Failed, Loading } from "./states";

const MAX_MONTHLY_CAP = 10;
const TURNS_ITSELF_OFF_AFTER = 3;
const DEFAULT_THRESHOLD = 200;
const DEFAULT_MONTHLY_CAP = 2;

/** "500 credits for $10.00 when fewer than 200 credits are available, at most 2 a month". */
function summary(setting: AutoTopUpFieldsFragment): string {
  return `${credits(setting.pack.credits)} credits for ${money(setting.pack.priceCents)} when fewer than ${credits(setting.threshold)} credits are available, at most ${setting.monthlyCap} a month`;
}

function standing(setting: AutoTopUpFieldsFragment | null): string {
  if (setting === null) return "Auto top-up is off.";
  const thisMonth = `${setting.topUpsThisPeriod} of ${setting.monthlyCap} this month`;
  if (setting.enabled) return `Auto top-up is on: ${summary(setting)}. Top-ups so far: ${thisMonth}.`;
  if (setting.consecutiveFailures >= TURNS_ITSELF_OFF_AFTER)
    return `Auto top-up turned itself off after ${setting.consecutiveFailures} declined payments in a row. Check your card on the Plan page, then turn it on again.`;
  return "Auto top-up is off.";
}

/** The Usage Overview's "Auto top-up": what it is set to, and a form to turn it on, change it or turn it off. */
export function AutoTopUp({
  paidPlan,
  hasCard,
  setting,
}: {
  paidPlan: boolean;
  hasCard: boolean;
  setting: AutoTopUpFieldsFragment | null;
}) {
  return (
    <section class="card" aria-labelledby="auto-top-up-heading">
      <h2 id="auto-top-up-heading">Auto top-up</h2>
      {!paidPlan ? (
        <p>
          Auto top-up buys a credit pack when your credits run low, on paid plans. <a href="/plan">Choose a plan</a> to
          use it.
        </p>
      ) : !hasCard ? (
        <p>
          Auto top-up charges your card on file for each pack. <a href="/plan">Add a card on the Plan page</a> to use
          it.
        </p>
      ) : (
        <AutoTopUpForm setting={setting} />
      )}
    </section>
  );
}

function AutoTopUpForm({ setting }: { setting: AutoTopUpFieldsFragment | null }) {
  const [packs, refetch] = useQuery({ query: CreditPacksDocument });
  const [, runSet] = useMutation(SetAutoTopUpDocument);
  const [, runOff] = useMutation(TurnOffAutoTopUpDocument);
  const [packId, setPackId] = useState(setting?.pack.id ?? "");
  const [threshold, setThreshold] = useState(String(setting?.threshold ?? DEFAULT_THRESHOLD));
  const [monthlyCap, setMonthlyCap] = useState(String(setting?.monthlyCap ?? DEFAULT_MONTHLY_CAP));
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const on = setting?.enabled ?? false;

  if (packs.error) return <Failed error={packs.error} retry={() => refetch({ requestPolicy: "network-only" })} />;
  if (!packs.data) return <Loading what="the credit packs" />;
  const chosenPack = packId || packs.data.creditPacks[0]?.id || "";

  async function save() {
    setRefusal(null);
    setBusy(true);
    try {
      const input = { packId: chosenPack, threshold: Number(threshold), monthlyCap: Number(monthlyCap) };
      const result = await runSet({ input });
      const outcome = result.data?.setAutoTopUp;
      if (result.error || !outcome)
        setRefusal(result.error ? describeError(result.error) : "Auto top-up could not be saved. Try again.");
      else if (outcome.__typename !== "AutoTopUpSaved") setRefusal(outcome.message);
    } finally {
      setBusy(false);
    }
  }

  async function turnOff() {
    setRefusal(null);
    setBusy(true);
    try {
      const result = await runOff({});
      if (result.error) setRefusal(describeError(result.error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p role="status">{standing(setting)}</p>
      <form
        class="auto-top-up"
        aria-label="Auto top-up settings"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label>
          Pack
          <select value={chosenPack} onChange={(e) => setPackId(e.currentTarget.value)}>
            {packs.data.creditPacks.map((pack) => (
              <option key={pack.id} value={pack.id}>
                {credits(pack.credits)} credits for {money(pack.priceCents)}
              </option>
            ))}
          </select>
        </label>
        <label>
          When available credits fall below
          <input
            type="number"
            inputMode="numeric"
            min={1}
            required
            value={threshold}
            onInput={(e) => setThreshold(e.currentTarget.value)}
          />
        </label>
        <label>
          Top-ups a month, at most
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_MONTHLY_CAP}
            required
            value={monthlyCap}
            onInput={(e) => setMonthlyCap(e.currentTarget.value)}
          />
        </label>
        {refusal && (
          <p class="refusal" role="alert">
            {refusal}
          </p>
        )}
        <div class="filter-actions">
          <button type="submit" class="button primary" disabled={busy}>
            {on ? "Save changes" : "Turn on"}
          </button>
          {on && (
            <button type="button" class="button" disabled={busy} onClick={() => void turnOff()}>
              Turn off
            </button>
          )}
        </div>
        <p class="hint">
          Each top-up charges your card on file, once each time your credits fall below the threshold; a month's
          count includes declined payments, and {TURNS_ITSELF_OFF_AFTER} declines in a row turn it off.
        </p>
      </form>
    </>
  );
}
