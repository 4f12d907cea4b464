// A campaign as the Plan a campaign page keeps it in the address: one `line` per line, and `by`.
import type { CampaignItemInput, CreativeKind, Resolution } from "./gql/graphql";
import { CREATIVE_KINDS, RESOLUTIONS } from "./format";

export interface Line {
  kind: CreativeKind;
  resolution: Resolution;
  seconds: number;
  shots: number;
  outputs: number;
  premium: boolean;
  template: boolean;
  count: number;
}

export const IMAGE_RESOLUTIONS: Resolution[] = ["RES_1080P", "RES_2K", "RES_4K"];
export const VIDEO_RESOLUTIONS: Resolution[] = ["RES_480P", "RES_720P", "RES_1080P", "RES_4K"];

export const resolutionsFor = (kind: CreativeKind): Resolution[] =>
  kind === "IMAGE" ? IMAGE_RESOLUTIONS : VIDEO_RESOLUTIONS;

export const newLine = (): Line => ({
  kind: "IMAGE",
  resolution: "RES_1080P",
  seconds: 10,
  shots: 3,
  outputs: 1,
  premium: false,
  template: false,
  count: 10,
});

/** "20x.MULTI_SHOT_VIDEO.RES_1080P.15s.3shots", "200x.IMAGE.RES_4K.2out.premium.template". */
export function lineText(line: Line): string {
  const parts = [`${line.count}x`, line.kind, line.resolution];
  if (line.kind !== "IMAGE") parts.push(`${line.seconds}s`);
  if (line.kind === "MULTI_SHOT_VIDEO") parts.push(`${line.shots}shots`);
  if (line.outputs > 1) parts.push(`${line.outputs}out`);
  if (line.premium) parts.push("premium");
  if (line.template) parts.push("template");
  return parts.join(".");
}

/** The line a `lineText` wrote; null for anything else. */
export function parseLine(text: string): Line | null {
  const [count, kind, resolution, ...options] = text.split(".");
  if (!count || !kind || !resolution || !/^\d+x$/.test(count)) return null;
  if (!(kind in CREATIVE_KINDS) || !(resolution in RESOLUTIONS)) return null;
  const line: Line = { ...newLine(), kind: kind as CreativeKind, resolution: resolution as Resolution };
  line.count = Number(count.slice(0, -1));
  for (const option of options) {
    const number = Number(/^\d+/.exec(option)?.[0]);
    if (option.endsWith("shots")) line.shots = number;
    else if (option.endsWith("out")) line.outputs = number;
    else if (option.endsWith("s")) line.seconds = number;
    else if (option === "premium") line.premium = true;
    else if (option === "template") line.template = true;
    else return null;
  }
  return line;
}

export const lineCreative = (line: Line) => ({
  kind: line.kind,
  resolution: line.resolution,
  outputs: line.outputs,
  durationSeconds: line.kind === "IMAGE" ? null : line.seconds,
  shots: line.kind === "MULTI_SHOT_VIDEO" ? line.shots : null,
  premiumModel: line.premium,
  advancedTemplate: line.template,
});

export const campaignItem = (line: Line): CampaignItemInput => ({ count: line.count, creative: lineCreative(line) });

export function campaignSearch(lines: Line[], by: string): string {
  const query = new URLSearchParams();
  for (const line of lines) query.append("line", lineText(line));
  if (by) query.set("by", by);
  return `?${query.toString()}`;
}
