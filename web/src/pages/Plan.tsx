import { useMutation, useQuery } from "@urql/preact";
import { useLocation } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";

import { CardForm } from "../components/CardForm";
import { Dialog } from "../components/Dialog";
import { EmailPreferences } from "../components/EmailPreferences";
import { PaymentsList } from "../components/PaymentsList";
import { RenewalDue } from "../components/RenewalDue";
import { Failed, Loading } from "../components/states";
import { describeError } from "../errors";
import { cardLong, cardShort, credits, day, money, RESOLUTIONS } from "../format";
import {
  type BillingInterval,
  type ChangePlanMutation,
  ChangePlanDocument,
  ConfirmCancellationDocument,
  type PlanAccountQuery,
  PlanAccountDocument,
  type PlansQuery,
  PlansDocument,
  PreviewPlanChangeDocument,
  RequestCancellationDocument,
  ResumePlanDocument,
} from "../gql/graphql";
import { paid, pending, type Settled, useAuthenticatePayment } from "../payment";
import { usePageTitle } from "../title";

type Account = PlanAccountQuery["viewer"];
type PlanOffer = PlansQuery["plans"][number];

const INTERVALS: Record<BillingInterval, string> = { MONTHLY: "Monthly", ANNUAL: "Annual" };
const FREE_PLAN = "free";

export function Plan() {
  usePageTitle("Plan");
  const [account, refetchAccount] = useQuery({ query: PlanAccountDocument });
  const [plans, refetchPlans] = useQuery({ query: PlansDocument });
  const [done, setDone] = useState<string | null>(null);
  // Every change on this page may have made a payment: the list loads again after each.
  const [paymentsVersion, setPaymentsVersion] = useState(0);
  const finished = (message: string) => {
    setDone(message);
    setPaymentsVersion((version) => version + 1);
  };
  const error = account.error ?? plans.error;
  return (
    <>
      <h1>Plan</h1>
      <p class="status-line" role="status">
        {done}
      </p>
      {account.data && plans.data ? (
        <>
          {account.data.viewer.renewalDue && (
            <RenewalDue due={account.data.viewer.renewalDue} card={account.data.viewer.card} onDone={finished} />
          )}
          <CurrentPlan account={account.data.viewer} />
          <PaymentMethod account={account.data.viewer} onDone={finished} />
          <PlanOptions
            account={account.data.viewer}
            plans={plans.data.plans}
            onDone={finished}
            onClosed={() => setPaymentsVersion((version) => version + 1)}
          />
          <PaymentsList version={paymentsVersion} />
          <HowCreditsWork />
          <EmailPreferences />
          <CancelPlan account={account.data.viewer} onDone={finished} />
        </>
      ) : error ? (
        <Failed
          error={error}
          retry={() => {
            refetchAccount({ requestPolicy: "network-only" });
            refetchPlans({ requestPolicy: "network-only" });
          }}
        />
      ) : (
        <Loading what="your plan" />
      )}
    </>
  );
}

function CurrentPlan({ account }: { account: Account }) {
  return (
    <section class="card" aria-labelledby="current-heading">
      <h2 id="current-heading">Your plan</h2>
      <p class="figure">
        <span class="figure-number">{account.plan.name}</span> {INTERVALS[account.interval]}
      </p>
      <dl class="facts">
        {account.status === "CANCELING" && account.endsAt ? (
          <div>
            <dt>Canceled: access ends</dt>
            <dd>{day(account.endsAt)}</dd>
          </div>
        ) : account.status === "PAST_DUE" ? (
          <div>
            <dt>Renewal</dt>
            <dd>Not paid yet: see Payment due</dd>
          </div>
        ) : account.renewsAt ? (
          <div>
            <dt>Renews</dt>
            <dd>{day(account.renewsAt)}</dd>
          </div>
        ) : null}
        {account.scheduledChange && (
          <div>
            <dt>Scheduled change</dt>
            <dd>
              {account.scheduledChange.plan.name}, {INTERVALS[account.scheduledChange.interval]}, from{" "}
              {day(account.scheduledChange.effectiveAt)}
            </dd>
          </div>
        )}
        {account.billingCreditCents > 0 && (
          <div>
            <dt>Billing credit</dt>
            <dd>{money(account.billingCreditCents)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function PaymentMethod({ account, onDone }: { account: Account; onDone: (message: string) => void }) {
  const [adding, setAdding] = useState(false);
  const action = account.card ? "Replace card" : "Add a card";
  return (
    <section class="card" aria-labelledby="payment-method-heading">
      <h2 id="payment-method-heading">Payment method</h2>
      <p>{account.card ? cardLong(account.card) : "No card on file"}</p>
      <button type="button" class="button" onClick={() => setAdding(true)}>
        {action}
      </button>
      {adding && (
        <Dialog title={account.card ? "Replace your card" : "Add a card"} onClose={() => setAdding(false)}>
          <CardForm
            onCancel={() => setAdding(false)}
            onSaved={(card) => {
              setAdding(false);
              onDone(`Your card is saved: ${cardLong(card)}.`);
            }}
          />
        </Dialog>
      )}
    </section>
  );
}

function price(plan: PlanOffer, interval: BillingInterval): string | null {
  const cents = interval === "ANNUAL" ? plan.annualPriceCents : plan.monthlyPriceCents;
  if (cents == null) return null;
  if (cents === 0) return "Free";
  return `${money(cents)} ${interval === "ANNUAL" ? "a year" : "a month"}`;
}

function features(plan: PlanOffer): string[] {
  const f = plan.features;
  return [
    `Images up to ${RESOLUTIONS[f.maxImageResolution]}`,
    `Videos up to ${RESOLUTIONS[f.maxVideoResolution]}, ${credits(f.maxVideoSeconds)} s`,
    f.multiShotVideo ? "Multi-shot videos" : "No multi-shot videos",
    f.premiumModels ? "Premium models" : "Standard models",
    f.advancedTemplates ? "Advanced templates" : "Basic templates",
    f.maxBatchSize === 1 ? "One output a batch" : `Up to ${credits(f.maxBatchSize)} outputs a batch`,
    f.topUps ? "Top-ups available" : "No top-ups",
    plan.rollover.capCredits > 0
      ? `Up to ${credits(plan.rollover.capCredits)} unused credits roll over, for ${credits(plan.rollover.expiresAfterPeriods)} more month${plan.rollover.expiresAfterPeriods === 1 ? "" : "s"}`
      : "No rollover",
  ];
}

function PlanOptions({
  account,
  plans,
  onDone,
  onClosed,
}: {
  account: Account;
  plans: PlanOffer[];
  onDone: (message: string) => void;
  /** The dialog closed without a change: a declined payment may still have been made. */
  onClosed: () => void;
}) {
  // /plan?upgrade=pro&interval=MONTHLY (a campaign's fix) opens that plan's dialog.
  const { query } = useLocation();
  const asked = query.interval === "MONTHLY" || query.interval === "ANNUAL" ? query.interval : null;
  const [interval, setInterval] = useState<BillingInterval>(asked ?? account.interval);
  const [chosen, setChosen] = useState<PlanOffer | null>(
    () => plans.find((plan) => plan.id === query.upgrade && plan.id !== account.plan.id) ?? null,
  );
  return (
    <section aria-labelledby="plans-heading">
      <h2 id="plans-heading">All plans</h2>
      <fieldset class="switch">
        <legend>Billing</legend>
        {(Object.keys(INTERVALS) as BillingInterval[]).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="interval"
              value={option}
              checked={interval === option}
              onChange={() => setInterval(option)}
            />
            {INTERVALS[option]}
          </label>
        ))}
      </fieldset>
      <ul class="plan-grid">
        {plans.map((plan) => {
          const cost = price(plan, interval);
          const current = plan.id === account.plan.id && interval === account.interval;
          return (
            <li key={plan.id} class={current ? "card plan current" : "card plan"}>
              <h3>{plan.name}</h3>
              <p class="price">{cost ?? "Monthly billing only"}</p>
              <p>
                <strong>{credits(plan.monthlyCredits)}</strong> credits a month
              </p>
              <ul class="features">
                {features(plan).map((feature) => (
                  <li key={feature}>{feature}</li>
                ))}
              </ul>
              {current ? (
                <p class="current-badge">Your current plan</p>
              ) : (
                <button
                  type="button"
                  class="button primary"
                  disabled={cost === null}
                  aria-label={`Choose ${plan.name}, ${INTERVALS[interval]}`}
                  onClick={() => setChosen(plan)}
                >
                  Choose {plan.name}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {chosen && (
        <ChangePlanDialog
          plan={chosen}
          interval={interval}
          onClose={() => {
            setChosen(null);
            onClosed();
          }}
          onDone={(message) => {
            setChosen(null);
            onDone(message);
          }}
        />
      )}
    </section>
  );
}

function ChangePlanDialog({
  plan,
  interval,
  onClose,
  onDone,
}: {
  plan: PlanOffer;
  interval: BillingInterval;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  // One key for this opening of the dialog: a retried Confirm never changes the plan twice. A
  // declined payment is final for its key, so the next try gets a new one.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [preview, refetchPreview] = useQuery({
    query: PreviewPlanChangeDocument,
    variables: { planId: plan.id, interval },
    requestPolicy: "network-only",
  });
  const [, runChange] = useMutation(ChangePlanDocument);
  const authenticate = useAuthenticatePayment();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  // Set when the service asked for a card this preview did not know was missing.
  const [cardNeededCents, setCardNeededCents] = useState<number | null>(null);
  const terms = preview.data?.previewPlanChange;
  const dueCents = cardNeededCents ?? terms?.amountDueNowCents ?? 0;
  const needsCard = terms != null && dueCents > 0 && (cardNeededCents != null || !terms.card);

  function settled(outcome: Settled) {
    switch (outcome.kind) {
      case "paid":
        onDone(`You are now on ${plan.name}, billed ${INTERVALS[interval].toLowerCase()}. ${paid(outcome.payment)}`);
        break;
      case "pending":
        onDone(outcome.message);
        break;
      case "declined":
        setIdempotencyKey(crypto.randomUUID());
        setRefusal(outcome.message);
        break;
      case "failed":
        setRefusal(outcome.message);
        break;
    }
  }

  async function answered(outcome: ChangePlanMutation["changePlan"]) {
    switch (outcome.__typename) {
      case "PlanChanged": {
        const billingCredit = outcome.billingCreditAppliedCents
          ? ` (${money(outcome.billingCreditAppliedCents)} of billing credit used)`
          : "";
        const becomes = `You are now on ${outcome.account.plan.name}, billed ${INTERVALS[outcome.account.interval].toLowerCase()}. `;
        onDone(
          outcome.charged
            ? `${becomes}${credits(outcome.creditsGranted)} credits added${billingCredit}. ${paid(outcome.charged)}`
            : `${becomes}${credits(outcome.creditsGranted)} credits added; ${money(outcome.amountDueCents)} due now${billingCredit}.`,
        );
        break;
      }
      case "PlanChangeScheduled":
        onDone(`Your change to ${plan.name} (${INTERVALS[interval]}) is scheduled for ${day(outcome.effectiveAt)}.`);
        break;
      case "InvalidPlanChange":
      case "IdempotencyConflict":
        setRefusal(outcome.message);
        break;
      case "PaymentMethodRequired":
        setCardNeededCents(outcome.amountDueCents);
        setRefusal(outcome.message);
        break;
      case "PaymentDeclined":
        settled({ kind: "declined", message: outcome.message });
        break;
      case "PaymentActionRequired":
        settled(await authenticate(outcome.clientSecret, outcome.payment));
        break;
      case "PaymentPending":
        onDone(pending(outcome.payment));
        break;
    }
  }

  async function confirm() {
    setRefusal(null);
    setBusy(true);
    try {
      const result = await runChange({ input: { planId: plan.id, interval, idempotencyKey } });
      const outcome = result.data?.changePlan;
      if (result.error || !outcome)
        setRefusal(result.error ? describeError(result.error) : "The plan could not be changed. Try again.");
      else await answered(outcome);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Change to ${plan.name}, ${INTERVALS[interval]}`} onClose={onClose}>
      {preview.error ? (
        <p class="refusal" role="alert">
          {describeError(preview.error)}
        </p>
      ) : !terms ? (
        <Loading what="what this change means" />
      ) : (
        <dl class="facts">
          <div>
            <dt>When</dt>
            <dd>{terms.immediate ? "Now" : `At the end of your paid term, ${day(terms.effectiveAt)}`}</dd>
          </div>
          <div>
            <dt>Credits granted now</dt>
            <dd>{credits(terms.creditsGrantedNow)}</dd>
          </div>
          <div>
            <dt>Amount due now</dt>
            <dd>{money(terms.amountDueNowCents)}</dd>
          </div>
          <div>
            <dt>Billing credit applied</dt>
            <dd>{money(terms.billingCreditAppliedCents)}</dd>
          </div>
          <div>
            <dt>Billing credit after the change</dt>
            <dd>{money(terms.billingCreditAfterCents)}</dd>
          </div>
        </dl>
      )}
      {terms && dueCents > 0 && !needsCard && terms.card && (
        <p class="charge">
          You will be charged {money(dueCents)} now to {cardShort(terms.card)}.
        </p>
      )}
      {refusal && (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      )}
      {needsCard && (
        <>
          <p class="charge">Add a card to pay {money(dueCents)}.</p>
          <CardForm
            onSaved={() => {
              setCardNeededCents(null);
              setRefusal(null);
              refetchPreview({ requestPolicy: "network-only" });
            }}
          />
        </>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
        <button type="button" class="button primary" disabled={!terms || busy || needsCard} onClick={() => void confirm()}>
          {busy ? "Confirming…" : "Confirm"}
        </button>
      </div>
    </Dialog>
  );
}

function HowCreditsWork() {
  return (
    <section class="card" aria-labelledby="how-heading">
      <h2 id="how-heading">How credits work</h2>
      <ul>
        <li>Each image or video costs credits by its kind, length, resolution and the features it uses.</li>
        <li>
          Plan credits are granted every month, on Annual plans too. Unused plan credits roll over into the next month,
          up to the plan's rollover limit, and expire at its end; the Free plan has no rollover.
        </li>
        <li>Credits that expire first are spent first. Top-up credits last twelve months.</li>
        <li>
          A higher plan starts now: you get the extra credits at once and pay the difference for the rest of your term.
          A lower plan, or other billing, starts when your paid term ends.
        </li>
      </ul>
    </section>
  );
}

function CancelPlan({ account, onDone }: { account: Account; onDone: (message: string) => void }) {
  const [asking, setAsking] = useState(false);
  const [resume, runResume] = useMutation(ResumePlanDocument);
  const [refusal, setRefusal] = useState<string | null>(null);

  async function resumePlan() {
    setRefusal(null);
    const result = await runResume({});
    const outcome = result.data?.resumePlan;
    if (result.error || !outcome) setRefusal(result.error ? describeError(result.error) : "Try again.");
    else if (outcome.__typename === "NothingToResume") setRefusal(outcome.message);
    else onDone(`Your ${account.plan.name} plan goes on${outcome.account.renewsAt ? `; it renews on ${day(outcome.account.renewsAt)}` : ""}.`);
  }

  if (account.plan.id === FREE_PLAN) return null;
  return (
    <section class="card cancel" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Cancel plan</h2>
      {account.status === "CANCELING" ? (
        <>
          <p>
            Your plan is canceled: you keep it, and its credits, until {day(account.endsAt ?? "")}. Then your account
            moves to the Free plan.
          </p>
          <button type="button" class="button primary" disabled={resume.fetching} onClick={() => void resumePlan()}>
            {resume.fetching ? "Resuming…" : "Resume plan"}
          </button>
        </>
      ) : (
        <>
          <p>You keep your plan until the end of the term you paid for; you can resume it until then.</p>
          <button type="button" class="button danger" onClick={() => setAsking(true)}>
            Cancel plan
          </button>
        </>
      )}
      {refusal && (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      )}
      {asking && (
        <CancelDialog
          account={account}
          onClose={() => setAsking(false)}
          onDone={(message) => {
            setAsking(false);
            onDone(message);
          }}
        />
      )}
    </section>
  );
}

function CancelDialog({
  account,
  onClose,
  onDone,
}: {
  account: Account;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [request, runRequest] = useMutation(RequestCancellationDocument);
  const [confirmation, runConfirm] = useMutation(ConfirmCancellationDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    void runRequest({});
  }, [runRequest]);
  const offer = request.data?.requestCancellation;

  async function confirm() {
    if (!offer) return;
    setRefusal(null);
    const result = await runConfirm({ token: offer.token });
    const outcome = result.data?.confirmCancellation;
    if (result.error || !outcome) setRefusal(result.error ? describeError(result.error) : "Try again.");
    else if (outcome.__typename === "InvalidToken") setRefusal(outcome.message);
    else onDone(`Your plan is canceled. You keep ${account.plan.name} until ${day(offer.effectiveAt)}.`);
  }

  return (
    <Dialog title={`Cancel your ${account.plan.name} plan?`} onClose={onClose}>
      {request.error ? (
        <p class="refusal" role="alert">
          {describeError(request.error)}
        </p>
      ) : !offer ? (
        <Loading what="what ends when" />
      ) : (
        <>
          <p>
            Your {account.plan.name} plan and its credits stay until <strong>{day(offer.effectiveAt)}</strong>. Then
            your account moves to the Free plan.
          </p>
          <p>
            Plan and rolled-over credits end with it: <strong>{credits(offer.creditsForfeited)} credits</strong>{" "}
            as of today. Top-up credits stay.
          </p>
        </>
      )}
      {refusal && (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Keep plan
        </button>
        <button
          type="button"
          class="button danger"
          disabled={!offer || confirmation.fetching}
          onClick={() => void confirm()}
        >
          {confirmation.fetching ? "Confirming…" : "Confirm"}
        </button>
      </div>
    </Dialog>
  );
}
