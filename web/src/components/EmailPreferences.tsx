import { useMutation, useQuery } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { describeError } from "../errors";
import { EmailPreferencesDocument, type NoticeKind, SetNoticePreferenceDocument } from "../gql/graphql";
import { Failed, Loading } from "./states";

/** The Plan page's Emails section, where the emails' "email preferences" links lead (/plan#emails). */
export function EmailPreferences() {
  const [preferences, refetch] = useQuery({ query: EmailPreferencesDocument });
  const [saving, save] = useMutation(SetNoticePreferenceDocument);
  const [saved, setSaved] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const section = useRef<HTMLElement>(null);
  const loaded = preferences.data !== undefined;
  useEffect(() => {
    // The page draws after it loads, so the browser found no #emails to scroll to.
    if (loaded && location.hash === "#emails") section.current?.scrollIntoView();
  }, [loaded]);

  async function choose(kind: NoticeKind, label: string, enabled: boolean) {
    setSaved(null);
    setRefusal(null);
    const result = await save({ kind, enabled });
    const outcome = result.data?.setNoticePreference;
    if (outcome?.__typename === "NoticePreferenceSet") {
      setSaved(`Saved: “${label}” emails are ${outcome.preference.enabled ? "on" : "off"}.`);
      return;
    }
    setRefusal(outcome ? outcome.message : result.error ? describeError(result.error) : "Not saved. Try again.");
    refetch({ requestPolicy: "network-only" }); // the checkbox shows what is saved, not what was clicked
  }

  return (
    <section class="card" id="emails" aria-labelledby="emails-heading" ref={section}>
      <h2 id="emails-heading">Emails</h2>
      {preferences.data ? (
        <fieldset class="email-preferences" aria-busy={saving.fetching}>
          <legend>Email me</legend>
          <ul>
            {preferences.data.viewer.noticePreferences.map((preference) => {
              const id = `email-${preference.kind.toLowerCase()}`;
              return (
                <li key={preference.kind}>
                  <input
                    type="checkbox"
                    id={id}
                    checked={preference.enabled}
                    disabled={!preference.canTurnOff}
                    aria-describedby={preference.canTurnOff ? undefined : `${id}-why`}
                    onChange={(event) => void choose(preference.kind, preference.label, event.currentTarget.checked)}
                  />
                  <label for={id}>{preference.label}</label>
                  {!preference.canTurnOff && (
                    <span class="hint" id={`${id}-why`}>
                      Always sent: it is about your payments.
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </fieldset>
      ) : preferences.error ? (
        <Failed error={preferences.error} retry={() => refetch({ requestPolicy: "network-only" })} />
      ) : (
        <Loading what="your email choices" />
      )}
      {/* Announced politely, beside the checkbox: the page's own status line is for its plan changes. */}
      <p class="status-line" aria-live="polite">
        {saved}
      </p>
      {refusal && (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      )}
    </section>
  );
}
