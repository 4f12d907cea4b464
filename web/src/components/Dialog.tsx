import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

const FOCUSABLE = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), [tabindex='0']";

/** Tab from the last control goes to the first, Shift+Tab from the first to the last: the native
 * modal keeps focus off the page behind, but would let it leave for the browser's own controls. */
function keepFocusInside(event: KeyboardEvent): void {
  if (event.key !== "Tab" || !(event.currentTarget instanceof HTMLDialogElement)) return;
  const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  const wrapTo = event.shiftKey ? (document.activeElement === first ? last : null) : document.activeElement === last ? first : null;
  if (wrapTo) {
    event.preventDefault();
    wrapTo.focus();
  }
}

let released: HTMLDialogElement[] = [];
let releases = 0;

/** Runs `work` with the open dialogs no longer modal (still open, in place): Stripe.js shows its
 * 3D Secure challenge in an element of its own on the page, which a modal dialog would leave inert
 * and behind it. */
export async function outsideModal<T>(work: () => Promise<T>): Promise<T> {
  if (releases++ === 0) {
    released = [...document.querySelectorAll("dialog")].filter((dialog) => dialog.matches(":modal"));
    for (const dialog of released) {
      dialog.close();
      dialog.show();
    }
  }
  try {
    return await work();
  } finally {
    if (--releases === 0) {
      for (const dialog of released) {
        if (!dialog.isConnected || !dialog.open) continue;
        dialog.close();
        dialog.showModal();
      }
      released = [];
    }
  }
}

/** A modal dialog (the native <dialog> with showModal: the page behind is inert, Esc closes), with
 * Tab kept inside. Mounted while open; on closing, focus returns to what opened it. */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.showModal();
    return () => {
      if (dialog.current?.open) dialog.current.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      // Only a real closing: outsideModal closes and opens again at once, before its close event.
      onClose={() => {
        if (!dialog.current?.open) onClose();
      }}
      onKeyDown={keepFocusInside}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
