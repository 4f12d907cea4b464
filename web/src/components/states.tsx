import type { CombinedError } from "@urql/core";
import type { ComponentChildren } from "preact";

import { describeError } from "../errors";

export function Loading({ what }: { what: string }) {
  return (
    <div class="state state-loading" role="status">
      <span class="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function Failed({ error, retry }: { error: CombinedError; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <p>{describeError(error)}</p>
      {retry && (
        <button type="button" class="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <p class="state-title">{title}</p>
      {children}
    </div>
  );
}
