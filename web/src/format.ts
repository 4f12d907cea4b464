// Numbers, money and dates in the person's locale and time zone.
import type { CreativeKind, EntryKind, LotSource, Resolution } from "./gql/graphql";

const whole = new Intl.NumberFormat();
const signed = new Intl.NumberFormat(undefined, { signDisplay: "exceptZero" });
const usd = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
const longDay = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const shortMonth = new Intl.DateTimeFormat(undefined, { month: "short" });

export const credits = (amount: number): string => whole.format(amount);
export const signedCredits = (amount: number): string => signed.format(amount);
export const money = (cents: number): string => usd.format(cents / 100);
export const day = (iso: string): string => longDay.format(new Date(iso));
export const dateTime = (iso: string): string => moment.format(new Date(iso));

const currencies = new Map<string, Intl.NumberFormat>([["USD", usd]]);
/** An amount in a payment's currency ("usd", as Stripe spells it). */
export function amount(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = currencies.get(code);
  if (format === undefined) {
    format = new Intl.NumberFormat(undefined, { style: "currency", currency: code });
    currencies.set(code, format);
  }
  // Stripe's amounts are in the currency's smallest unit: cents for the two-decimal ones.
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(cents / 10 ** digits);
}

const cardExpiry = new Intl.DateTimeFormat(undefined, { month: "2-digit", year: "numeric", timeZone: "UTC" });
const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
  cartes_bancaires: "Cartes Bancaires",
};

interface Card {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export const cardBrand = (brand: string): string => BRANDS[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
/** "Visa •••• 4242". */
export const cardShort = (card: Card): string => `${cardBrand(card.brand)} •••• ${card.last4}`;
/** "Visa ending in 4242, expires 12/2030". */
export const cardLong = (card: Card): string =>
  `${cardBrand(card.brand)} ending in ${card.last4}, expires ${cardExpiry.format(Date.UTC(card.expYear, card.expMonth - 1, 1))}`;
/** Month names of the person's locale, January first. */
export const monthNames: string[] = Array.from({ length: 12 }, (_, month) =>
  shortMonth.format(new Date(2000, month, 1)),
);

/** The instants a local calendar year starts and ends at, for the API's from/to. */
export function localYear(year: number): { from: string; to: string } {
  return localDays(new Date(year, 0, 1), new Date(year, 11, 31));
}

/** From the start of the first local day to the end of the last, as instants. */
export function localDays(first: Date, last: Date): { from: string; to: string } {
  const end = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
  return { from: first.toISOString(), to: new Date(end.getTime() - 1).toISOString() };
}

/** A YYYY-MM-DD date input's value as that local day. */
export function parseDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export const CREATIVE_KINDS: Record<CreativeKind, string> = {
  IMAGE: "Image",
  VIDEO: "Video",
  MULTI_SHOT_VIDEO: "Multi-shot video",
};

export const ENTRY_KINDS: Record<EntryKind, string> = {
  GRANT: "Credits granted",
  ROLLOVER: "Rollover",
  EXPIRE: "Expired",
  CONSUME: "Spent",
  RESERVE: "Reserved",
  CAPTURE: "Charged",
  RELEASE: "Released",
  REFUND: "Refund",
  ADJUST: "Adjustment",
  PLAN_CHANGE: "Plan change",
  RENEWAL: "Renewal",
};

export const LOT_SOURCES: Record<LotSource, string> = {
  PLAN: "Plan credits",
  ROLLOVER: "Rolled-over credits",
  TOP_UP: "Top-up credits",
  PROMO: "Promotional credits",
  ADJUSTMENT: "Adjustment credits",
};

export const RESOLUTIONS: Record<Resolution, string> = {
  RES_480P: "480p",
  RES_720P: "720p",
  RES_1080P: "1080p",
  RES_2K: "2K",
  RES_4K: "4K",
};

interface Creative {
  kind: CreativeKind;
  resolution: Resolution;
  outputs: number;
  durationSeconds?: number | null;
  shots?: number | null;
  premiumModel?: boolean;
  advancedTemplate?: boolean;
}

const plural = (count: number, noun: string): string => `${credits(count)} ${noun}${count === 1 ? "" : "s"}`;

/** "Image, 1080p", "4 images, 2K", "12 s multi-shot video, 720p, 3 shots", "3 × 8 s video, 480p". */
export function creativeText(creative: Creative): string {
  let what: string;
  if (creative.kind === "IMAGE") what = creative.outputs === 1 ? "Image" : plural(creative.outputs, "image");
  else {
    what = `${credits(creative.durationSeconds ?? 0)} s ${CREATIVE_KINDS[creative.kind].toLowerCase()}`;
    if (creative.outputs > 1) what = `${credits(creative.outputs)} × ${what}`;
  }
  const parts = [what, RESOLUTIONS[creative.resolution]];
  if (creative.shots != null) parts.push(plural(creative.shots, "shot"));
  if (creative.premiumModel) parts.push("premium model");
  if (creative.advancedTemplate) parts.push("advanced template");
  return parts.join(", ");
}
