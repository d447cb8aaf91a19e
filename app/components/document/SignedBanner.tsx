import { Link } from "@remix-run/react";
import type { ApprovalView } from "~/lib/approvals.server";
import { useT } from "~/lib/i18n";
import { TableScroller } from "~/components/TableScroller";
import { Time } from "~/components/Time";

/**
 * The banner of a signed document: who signed and when, every party with who approved and when, and
 * the content hash of the frozen version — and of each translation signed with it. An amended document
 * (a draft again) names the version it was last signed as, which stays as it was. A translation shows
 * its source's round, linking to its own signed version.
 */
export function SignedBanner({ approval, documentPath }: { approval: ApprovalView; documentPath: string }) {
  const { t, zoned } = useT();
  // The version of this document the round signed: the source's, or this translation's.
  const ownVersion = (round: NonNullable<ApprovalView["round"]>) =>
    round.documentId === approval.documentId ? round.versionId : round.translations.find((tr) => tr.documentId === approval.documentId)?.versionId;
  const versionLink = (round: NonNullable<ApprovalView["round"]>) => {
    const versionId = ownVersion(round);
    return versionId ? <Link to={`${documentPath}/versions/${versionId}`}>{t("approval.openSigned")}</Link> : null;
  };
  const current = approval.round?.signedAt ? approval.round : null;
  const earlier = !current ? approval.signed[0] : null;
  if (earlier)
    return (
      <p className="notice amended-banner">
        {t("approval.amendedNotice", { version: earlier.versionName ?? t("approval.unnamedVersion"), date: zoned(earlier.signedAt!) })} {versionLink(earlier)}
      </p>
    );
  if (!current) return null;
  return (
    <section className="signed-banner" aria-labelledby="signed-banner-title">
      <h2 id="signed-banner-title">{t("approval.signedTitle")}</h2>
      <p>
        {t("approval.signedBy", { name: current.signedByName ?? "", date: zoned(current.signedAt!), version: current.versionName ?? t("approval.unnamedVersion") })}{" "}
        {t("approval.readOnlyForAll")}
      </p>
      <TableScroller label={t("approval.parties")}>
        <table className="signed-parties">
          <caption className="visually-hidden">{t("approval.parties")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("approval.party")}</th>
              <th scope="col">{t("approval.approvedByCol")}</th>
              <th scope="col">{t("approval.approvedOn")}</th>
            </tr>
          </thead>
          <tbody>
            {current.parties.map((p) => (
              <tr key={p.tenantId}>
                <th scope="row">{p.tenantName}</th>
                <td>{p.decidedByName ?? "—"}</td>
                <td>{p.decidedAt ? <Time value={p.decidedAt} /> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      <SignedHashes round={current} />
      <p>{versionLink(current)}</p>
    </section>
  );
}

/** The hash of each text a round signed: the source's, then each translation's by language. */
export function SignedHashes({ round }: { round: { contentHash: string; translations: { documentId: string; language: string; contentHash: string }[] } }) {
  const { t } = useT();
  if (!round.translations.length)
    return (
      <p className="signed-hash">
        {t("approval.hash")}: <code className="hash">{round.contentHash}</code>
      </p>
    );
  return (
    <dl className="signed-hashes">
      <div>
        <dt>{t("approval.hash")}</dt>
        <dd>
          <code className="hash">{round.contentHash}</code>
        </dd>
      </div>
      {round.translations.map((tr) => (
        <div key={tr.documentId}>
          <dt>
            {t("approval.translationHash", { language: t(`languages.${tr.language}`) })} — {t("approval.hash")}
          </dt>
          <dd>
            <code className="hash">{tr.contentHash}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
