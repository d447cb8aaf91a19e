import type { ApprovalRound } from "@twinning/db";
import type { Locale } from "@twinning/domain";
import { createI18n, formatDate, intlTag } from "@twinning/i18n";
import type { ExportMeta, SignatureSection } from "@twinning/export/model";

/** The time zone dates in an export are shown in: the reader's country. */
const ZONES: Record<Locale, string> = { da: "Europe/Copenhagen", en: "Europe/Copenhagen", "zh-CN": "Asia/Shanghai" };

function dateTime(locale: Locale, value: Date): string {
  return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: "long", timeStyle: "short", timeZone: ZONES[locale] }).format(value);
}

/**
 * The facts an export shows under its title, in the reader's language: space, version (the current
 * text, or which version and when it was saved), status and when it was exported; and the signature
 * of a signed version (the parties, who approved when, the hash), as the signed banner shows it.
 */
export function exportMeta(input: {
  locale: Locale;
  doc: { title: string; language: string; status: string };
  space: { title: string };
  version: { name: string | null; createdAt: Date } | null;
  signed: ApprovalRound | null;
  now?: Date;
}): ExportMeta {
  const { locale } = input;
  const { t } = createI18n(locale);
  const versionName = (v: { name: string | null }) => v.name ?? t("export.autoVersion");
  const facts = [
    { label: t("export.space"), value: input.space.title },
    { label: t("export.version"), value: input.version ? t("export.versionValue", { name: versionName(input.version), date: dateTime(locale, input.version.createdAt) }) : t("export.currentText") },
    // A version has a status only when it is the one signed; the document's status is the current text's.
    ...(input.signed || !input.version ? [{ label: t("export.status"), value: t(`documentStatuses.${input.signed ? "signed" : input.doc.status}`) }] : []),
    { label: t("export.exported"), value: dateTime(locale, input.now ?? new Date()) },
  ];
  return { title: input.doc.title, language: input.doc.language, facts, signature: input.signed ? signature(locale, input.signed) : undefined, labels: { cardRemoved: t("editor.cardRemoved") } };
}

function signature(locale: Locale, round: ApprovalRound): SignatureSection {
  const { t } = createI18n(locale);
  return {
    heading: t("export.signature"),
    statement: t("export.signedStatement", { name: round.signedByName ?? "—", date: formatDate(locale, round.signedAt!, "long"), version: round.versionName ?? t("approval.unnamedVersion") }),
    columns: [t("approval.party"), t("approval.approvedByCol"), t("approval.approvedOn")],
    parties: round.parties.map((p) => [p.tenantName, p.decidedByName ?? "—", p.decidedAt ? formatDate(locale, p.decidedAt, "long") : "—"]),
    hashLabel: t("approval.hash"),
    hash: round.contentHash,
  };
}

/** The file's name: the title, and the version's name (or time) when it is one. */
export function exportTitle(locale: Locale, title: string, version: { name: string | null; createdAt: Date } | null): string {
  if (!version) return title;
  return `${title} – ${version.name ?? `${createI18n(locale).t("export.autoVersion")} ${version.createdAt.toISOString().slice(0, 16).replace("T", " ")}`}`;
}
