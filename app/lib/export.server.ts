import type { ApprovalRound } from "@twinning/db";
import type { Locale } from "@twinning/domain";
import { createI18n, formatDateTime, formatInZonesText, type Clock } from "@twinning/i18n";
import type { ExportMeta, SignatureSection } from "@twinning/export/model";

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
  /** The reader's clock: times in their zone, signing times beside the partners' (app/lib/clock.server.ts). */
  clock: Clock;
  now?: Date;
}): ExportMeta {
  const { locale, clock } = input;
  const dateTime = (value: Date) => formatDateTime(locale, value, clock.zone, "long");
  const { t } = createI18n(locale);
  const versionName = (v: { name: string | null }) => v.name ?? t("export.autoVersion");
  const facts = [
    { label: t("export.space"), value: input.space.title },
    { label: t("export.version"), value: input.version ? t("export.versionValue", { name: versionName(input.version), date: dateTime(input.version.createdAt) }) : t("export.currentText") },
    // A version has a status only when it is the one signed; the document's status is the current text's.
    ...(input.signed || !input.version ? [{ label: t("export.status"), value: t(`documentStatuses.${input.signed ? "signed" : input.doc.status}`) }] : []),
    { label: t("export.exported"), value: dateTime(input.now ?? new Date()) },
  ];
  return { title: input.doc.title, language: input.doc.language, facts, signature: input.signed ? signature(locale, clock, input.signed) : undefined, labels: { cardRemoved: t("editor.cardRemoved") } };
}

function signature(locale: Locale, clock: Clock, round: ApprovalRound): SignatureSection {
  const { t } = createI18n(locale);
  return {
    heading: t("export.signature"),
    statement: t("export.signedStatement", { name: round.signedByName ?? "—", date: formatInZonesText(locale, round.signedAt!, clock, "long"), version: round.versionName ?? t("approval.unnamedVersion") }),
    columns: [t("approval.party"), t("approval.approvedByCol"), t("approval.approvedOn")],
    parties: round.parties.map((p) => [p.tenantName, p.decidedByName ?? "—", p.decidedAt ? formatInZonesText(locale, p.decidedAt, clock, "long") : "—"]),
    hashes: [
      { label: t("approval.hash"), hash: round.contentHash },
      ...round.translations.map((tr) => ({ label: `${t("approval.translationHash", { language: t(`languages.${tr.language}`) })} — ${t("approval.hash")}`, hash: tr.contentHash })),
    ],
  };
}

/** The file's name: the title, and the version's name (or time) when it is one. */
export function exportTitle(locale: Locale, title: string, version: { name: string | null; createdAt: Date } | null): string {
  if (!version) return title;
  return `${title} – ${version.name ?? `${createI18n(locale).t("export.autoVersion")} ${version.createdAt.toISOString().slice(0, 16).replace("T", " ")}`}`;
}
