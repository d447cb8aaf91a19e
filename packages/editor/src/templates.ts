import type { Locale } from "@twinning/domain";
import type { DocJSON } from "./schema";

/** Building blocks of Tiptap JSON for templates and demo documents. */
export const text = (value: string) => (value ? [{ type: "text", text: value }] : []);
export const heading = (level: number, value: string) => ({ type: "heading", attrs: { level }, content: text(value) });
export const paragraph = (value = "") => ({ type: "paragraph", content: text(value) });
export const bulletList = (items: string[]) => ({
  type: "bulletList",
  content: (items.length ? items : [""]).map((item) => ({ type: "listItem", content: [paragraph(item)] })),
});
export const taskList = (items: string[]) => ({
  type: "taskList",
  content: items.map((item) => ({ type: "taskItem", attrs: { checked: false }, content: [paragraph(item)] })),
});
export const table = (columns: string[], rows: (string | null)[][]) => ({
  type: "table",
  content: [
    { type: "tableRow", content: columns.map((c) => ({ type: "tableHeader", content: [paragraph(c)] })) },
    ...(rows.length ? rows : [columns.map(() => "")]).map((row) => ({
      type: "tableRow",
      content: row.map((cell) => ({ type: "tableCell", content: [paragraph(cell ?? "")] })),
    })),
  ],
});

export const TEMPLATE_IDS = ["blank", "agreement", "strategy", "action_plan", "exchange_programme", "minutes"] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The document type each template creates. */
export const TEMPLATE_TYPES: Record<TemplateId, string> = {
  blank: "note",
  agreement: "agreement",
  strategy: "strategy",
  action_plan: "action_plan",
  exchange_programme: "exchange_programme",
  minutes: "minutes",
};

type Words = Record<Locale, string[]>;

// Section headings per template and language, in the order of the source documents.
const SECTIONS: Record<Exclude<TemplateId, "blank" | "strategy">, Words> = {
  agreement: {
    da: ["Parter", "Formål", "Fokusområder", "Uddannelse", "Skoler", "Kultur", "Ressourcer", "Varighed", "Underskrifter"],
    en: ["Parties", "Purpose", "Focus areas", "Education", "Schools", "Culture", "Resources", "Duration", "Signatures"],
    "zh-CN": ["协议各方", "目的", "重点领域", "教育", "学校", "文化", "资源", "期限", "签字"],
  },
  action_plan: {
    da: ["Operatørmodel og arbejdsfordeling", "Aktiviteter", "Aktionsplan", "Opfølgning"],
    en: ["Operator model and division of work", "Activities", "Action plan", "Follow-up"],
    "zh-CN": ["运营模式与分工", "活动", "行动计划", "后续跟进"],
  },
  exchange_programme: {
    da: ["Formål", "Elevudvekslinger", "Lærerudvekslinger", "Ledelsesdialog og studieophold", "Sprog og områdestudier"],
    en: ["Purpose", "Student exchanges", "Teacher exchanges", "Leadership dialogue and study visits", "Language and area studies"],
    "zh-CN": ["目的", "学生交流", "教师交流", "管理层对话与考察访问", "语言与区域研究"],
  },
  minutes: {
    da: ["Tid og sted", "Deltagere", "Dagsorden", "Beslutninger", "Opgaver", "Næste møde"],
    en: ["Time and place", "Participants", "Agenda", "Decisions", "Actions", "Next meeting"],
    "zh-CN": ["时间和地点", "参会人员", "议程", "决定", "任务", "下次会议"],
  },
};

const STRATEGY: Record<Locale, { columns: string[]; areas: string[] }> = {
  da: { columns: ["Mål", "Tid", "Handlinger", "Succeskriterier"], areas: ["Indsatsområde 1", "Indsatsområde 2", "Indsatsområde 3"] },
  en: { columns: ["Goals", "Time", "Actions", "Success criteria"], areas: ["Focus area 1", "Focus area 2", "Focus area 3"] },
  "zh-CN": { columns: ["目标", "时间", "行动", "成功标准"], areas: ["重点领域 1", "重点领域 2", "重点领域 3"] },
};

/**
 * The starting content of a new document from a template, in the document's language. The title is
 * not part of the text: the page shows it once, as its heading, and the text starts with the sections.
 */
export function templateContent(id: TemplateId, language: Locale): DocJSON {
  if (id === "blank") return { type: "doc", content: [paragraph()] };
  if (id === "strategy") {
    const { columns, areas } = STRATEGY[language];
    return { type: "doc", content: areas.flatMap((area) => [heading(2, area), table(columns, [])]) };
  }
  const sections = SECTIONS[id][language].flatMap((h, i, all) => {
    const body = id === "minutes" && i === all.length - 2 ? taskList([""]) : bulletList([]);
    return [heading(2, h), body];
  });
  return { type: "doc", content: sections };
}
