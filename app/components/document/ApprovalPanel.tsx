import { Link, useFetcher, useRevalidator } from "@remix-run/react";
import { Fragment, useEffect, useId, useRef, useState } from "react";
import type * as Y from "yjs";
import { LIMITS } from "@twinning/domain";
import { Dialog } from "~/components/Dialog";
import type { ApprovalView } from "~/lib/approvals.server";
import { announceCommentsChanged, announceDocumentChanged } from "~/lib/comments-live";
import { useT } from "~/lib/i18n";
import { useSpaceEvents } from "~/lib/useSpaceEvents";

/** What a step posted to the approval route answered: a notice, or an error key (a refusal or a field's). */
export interface ApprovalResult {
  intent: string;
  notice?: string;
  error?: string;
  field?: string;
  comment?: string;
  /** What the error's message names (a translation's language and how many of its blocks are behind). */
  values?: { language: string; count: number };
}

type View = ApprovalView;
type Round = NonNullable<View["round"]>;

interface Props {
  spaceId: string;
  documentId: string;
  documentTitle: string;
  approval: View;
  /** The result of a step posted without JavaScript (the approval page's action data). */
  result?: ApprovalResult;
  /** Shown in the document page's panel, which has its own heading. */
  inPanel?: boolean;
}

/**
 * Keeps the page's approval state current: reloads it when a step is taken anywhere (the space's event
 * stream) and — while a version is under review — shortly after the text changes, so approvals that
 * no longer hold show so. (The header's inbox count follows the stream by itself.)
 */
export function useApprovalLive(spaceId: string, documentId: string, ydoc: Y.Doc | null, approval: View): void {
  const revalidator = useRevalidator();
  const latest = useRef({ revalidate: () => {}, translations: [] as string[] });
  // Offline, a reload of the page's data would fail and replace the page with an error: wait for the network.
  latest.current.revalidate = () => {
    if (navigator.onLine) revalidator.revalidate();
    else window.addEventListener("online", () => revalidator.revalidate(), { once: true });
  };
  useSpaceEvents(spaceId, () => {}, () => false, {
    approval: (id) => id === documentId && latest.current.revalidate(),
    // The page's one stream also tells its comments panel (app/lib/comments-live.ts).
    comments: (id) => announceCommentsChanged(id),
    translations: (id) => {
      announceDocumentChanged("translations", id);
      // A translation sent with the round changed: its approvals may no longer hold.
      if (latest.current.translations.includes(id)) latest.current.revalidate();
    },
  });
  latest.current.translations = approval.round && !approval.round.signedAt && !approval.stale ? approval.round.translations.map((t) => t.documentId) : [];
  const watching = !!ydoc && !!approval.round && !approval.round.signedAt && !approval.stale;
  useEffect(() => {
    if (!watching || !ydoc) return;
    let timer: number | undefined;
    const changed = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => latest.current.revalidate(), 1200);
    };
    ydoc.on("update", changed);
    return () => {
      window.clearTimeout(timer);
      ydoc.off("update", changed);
    };
  }, [watching, ydoc]);
}

/** The parties' approval state in a few words, for the document's header. */
export function ApprovalSummary({ approval }: { approval: View }) {
  const { t } = useT();
  const round = approval.round;
  // A signed document says so in its status and its banner.
  if (!round || round.signedAt) return null;
  const approved = round.parties.filter((p) => p.decision === "approved").length;
  const [kind, text] = approval.stale
      ? ["stale", t("approval.summary.stale")]
      : approved === round.parties.length
        ? ["approved", t("approval.summary.approved")]
        : ["in-review", t("approval.summary.inReview", { approved, total: round.parties.length })];
  return (
    <span className={`badge approval-summary approval-summary-${kind}`} data-state={kind}>
      {text}
    </span>
  );
}

/** The message of a refused step or a field, in the user's language. */
function useMessage() {
  const { t } = useT();
  return (key: string, values?: ApprovalResult["values"]) => {
    const named = values ? { count: values.count, language: t(`languages.${values.language}`) } : {};
    return String(t(`approval.errors.${key}`, { ...named, defaultValue: String(t(`errors.${key}`)) }));
  };
}

/**
 * The approval flow of a document, where each step is the policy's: the host's admins send a saved
 * version to chosen tenants, each tenant's admins approve or request changes (with a comment), and
 * once every party approved that very text the host's admins sign it, after a confirmation naming what
 * is signed. Approvals of a version the text has since moved on from show as no longer holding.
 */
export function ApprovalPanel({ spaceId, documentId, documentTitle, approval, result: pageResult, inPanel }: Props) {
  const { t, zoned } = useT();
  const action = `/s/${spaceId}/docs/${documentId}/approval`;
  const round = approval.round && !approval.round.signedAt ? approval.round : null;
  const signed = approval.round?.signedAt ? approval.round : null;
  // In the document page's panel (a labelled region already) a plain block; on its own page a section.
  const Frame = inPanel ? "div" : "section";
  return (
    <Frame className="approval-panel stack" aria-labelledby={inPanel ? undefined : "approval-heading"}>
      {inPanel ? null : <h2 id="approval-heading">{t("approval.heading")}</h2>}
      {pageResult ? <Outcome id="approval-page-outcome" intent={pageResult.intent} result={pageResult} /> : null}
      {approval.source ? (
        <p className="hint">
          {t("approval.withSource", { language: t(`languages.${approval.source.language}`) })}{" "}
          <Link to={`/s/${spaceId}/docs/${approval.source.id}`} lang={approval.source.language}>
            {approval.source.title}
          </Link>
        </p>
      ) : null}
      {signed ? (
        <p>{t("approval.signedSummary", { date: zoned(signed.signedAt!), name: signed.signedByName ?? "" })}</p>
      ) : round ? (
        <RoundState round={round} stale={approval.stale} />
      ) : approval.source ? null : (
        <p className="muted">{t("approval.notSent")}</p>
      )}
      {round ? (
        <ul className="approval-parties" aria-label={t("approval.parties")}>
          {round.parties.map((p) => (
            <PartyRow key={p.tenantId} party={p} stale={approval.stale} />
          ))}
        </ul>
      ) : null}
      {round
        ? approval.decideFor.map((tenantId) => (
            <DecideForm key={`${round.id}-${tenantId}`} action={action} round={round} tenantId={tenantId} />
          ))
        : null}
      {approval.canSign && round ? <SignStep action={action} round={round} documentTitle={documentTitle} /> : null}
      {approval.canRequest ? <RequestForm action={action} approval={approval} /> : null}
      {approval.canAmend ? <AmendForm action={action} /> : null}
    </Frame>
  );
}

function RoundState({ round, stale }: { round: Round; stale: boolean }) {
  const { t, zoned } = useT();
  const approved = round.parties.filter((p) => p.decision === "approved").length;
  return (
    <div className="stack-tight">
      <p>
        {t("approval.sentVersion", { version: round.versionName ?? t("approval.unnamedVersion"), date: zoned(round.requestedAt), name: round.requestedByName ?? "" })}
      </p>
      {round.translations.length ? (
        <p>
          {t("approval.sentWith", {
            languages: round.translations.map((tr) => t(`languages.${tr.language}`)).join(", "),
          })}
        </p>
      ) : null}
      <p>
        <strong>{t("approval.progress", { approved: stale ? 0 : approved, total: round.parties.length })}</strong>
      </p>
      {stale ? (
        <p className="approval-stale" role="status">
          {t("approval.staleNotice")}
        </p>
      ) : null}
    </div>
  );
}

function PartyRow({ party, stale }: { party: Round["parties"][number]; stale: boolean }) {
  const { t, zoned } = useT();
  const decided = party.decision && party.decidedAt;
  let state: string;
  if (!decided) state = t("approval.waiting");
  else if (party.decision === "approved") state = t("approval.approvedBy", { name: party.decidedByName ?? "", date: zoned(party.decidedAt!) });
  else state = t("approval.changesRequestedBy", { name: party.decidedByName ?? "", date: zoned(party.decidedAt!) });
  const kind = !decided ? "waiting" : stale && party.decision === "approved" ? "stale" : party.decision === "approved" ? "approved" : "changes";
  return (
    <li className={`approval-party approval-party-${kind}`} data-state={kind}>
      <span className="approval-tenant">{party.tenantName}</span>
      <span>
        {state}
        {kind === "stale" ? <strong className="approval-stale-tag"> — {t("approval.noLongerHolds")}</strong> : null}
      </span>
      {party.decision === "changes_requested" && party.comment ? <q className="approval-comment">{party.comment}</q> : null}
    </li>
  );
}

/** Where a step's answer is shown: from the fetcher (with JavaScript) or the page (without). */
function Outcome({ id, intent, result }: { id: string; intent: string | string[]; result: ApprovalResult | undefined }) {
  const { t } = useT();
  const message = useMessage();
  const intents = [intent].flat();
  if (!result || !intents.includes(result.intent)) return null;
  if (result.error)
    return (
      <p id={id} role="alert" className="form-error">
        {message(result.error, result.values)}
      </p>
    );
  return (
    <p role="status" className="notice">
      {t(`approval.done.${result.notice}`)}
    </p>
  );
}

function DecideForm({ action, round, tenantId }: { action: string; round: Round; tenantId: string }) {
  const { t } = useT();
  const fetcher = useFetcher<ApprovalResult>();
  const id = useId();
  const result = fetcher.data;
  const party = round.parties.find((p) => p.tenantId === tenantId)!;
  const busy = fetcher.state !== "idle";
  const commentError = result?.intent === "requestChanges" && result.error && result.field === "body";
  return (
    <fetcher.Form method="post" action={action} className="approval-decide card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("approval.decideFor", { tenant: party.tenantName })}</h3>
      <input type="hidden" name="versionId" value={round.versionId} />
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="field">
        <label htmlFor={`${id}-comment`}>{t("approval.comment")}</label>
        <p id={`${id}-hint`} className="hint">
          {t("approval.commentHint")}
        </p>
        <textarea
          id={`${id}-comment`}
          name="body"
          rows={3}
          maxLength={LIMITS.commentLength}
          defaultValue={result?.intent === "requestChanges" && result.error ? (result.comment ?? "") : ""}
          aria-describedby={[`${id}-hint`, commentError ? `${id}-error` : null].filter(Boolean).join(" ")}
          aria-invalid={commentError ? true : undefined}
        />
      </div>
      <Outcome id={`${id}-error`} intent={["approve", "requestChanges"]} result={result} />
      <div className="inline-form">
        <button type="submit" name="intent" value="approve" disabled={busy}>
          {t("approval.approve", { tenant: party.tenantName })}
        </button>
        <button type="submit" name="intent" value="requestChanges" className="secondary" disabled={busy}>
          {t("approval.requestChanges")}
        </button>
      </div>
    </fetcher.Form>
  );
}

function RequestForm({ action, approval }: { action: string; approval: View }) {
  const { t, date } = useT();
  const fetcher = useFetcher<ApprovalResult>();
  const id = useId();
  const result = fetcher.data;
  const asked = new Set(approval.round && !approval.round.signedAt ? approval.round.parties.map((p) => p.tenantId) : approval.tenants.map((t) => t.id));
  if (!approval.versions.length) return <p className="hint">{t("approval.saveVersionFirst")}</p>;
  return (
    <fetcher.Form method="post" action={action} className="approval-request card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{approval.round && !approval.round.signedAt ? t("approval.sendAgain") : t("approval.send")}</h3>
      <input type="hidden" name="intent" value="requestApproval" />
      <div className="field">
        <label htmlFor={`${id}-version`}>{t("approval.version")}</label>
        <select id={`${id}-version`} name="versionId" defaultValue={approval.versions[0].id}>
          {approval.versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name} — {date(v.createdAt)}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>{t("approval.askTenants")}</legend>
        {approval.tenants.map((tenant) => (
          <div key={tenant.id} className="checkbox">
            <input type="checkbox" id={`${id}-${tenant.id}`} name="tenantIds" value={tenant.id} defaultChecked={asked.has(tenant.id)} />
            <label htmlFor={`${id}-${tenant.id}`}>{tenant.host ? t("approval.hostTenant", { name: tenant.name }) : tenant.name}</label>
          </div>
        ))}
      </fieldset>
      <Outcome id={`${id}-error`} intent="requestApproval" result={result} />
      <button type="submit" disabled={fetcher.state !== "idle"}>
        {t("approval.sendButton")}
      </button>
    </fetcher.Form>
  );
}

/** Signing is final: a dialog names the document, the version, its hash and the parties before it is done. */
function SignStep({ action, round, documentTitle }: { action: string; round: Round; documentTitle: string }) {
  const { t } = useT();
  const fetcher = useFetcher<ApprovalResult>();
  const [confirming, setConfirming] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const result = fetcher.data;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) setConfirming(false);
  }, [fetcher.state, fetcher.data]);
  const version = round.versionName ?? t("approval.unnamedVersion");
  return (
    <div className="approval-sign card">
      <p>{t("approval.readyToSign")}</p>
      <Outcome id="approval-sign-error" intent="sign" result={result} />
      {/* Without JavaScript the button opens the confirmation page (…/approval/sign); with it, the same in a dialog. */}
      <form
        method="get"
        action={`${action}/sign`}
        onSubmit={(event) => {
          event.preventDefault();
          setConfirming(true);
        }}
      >
        <input type="hidden" name="versionId" value={round.versionId} />
        <button ref={opener} type="submit">
          {t("approval.sign")}
        </button>
      </form>
      {confirming ? (
        <Dialog title={t("approval.confirmTitle", { title: documentTitle })} onClose={() => setConfirming(false)} returnFocus={() => opener.current}>
          <SignFacts version={version} contentHash={round.contentHash} translations={round.translations} parties={round.parties.map((p) => p.tenantName)} />
          <fetcher.Form method="post" action={action} className="inline-form">
            <input type="hidden" name="intent" value="sign" />
            <input type="hidden" name="versionId" value={round.versionId} />
            <button type="submit" disabled={fetcher.state !== "idle"} data-autofocus>
              {t("approval.confirmSign", { title: documentTitle })}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t("approval.cancel")}
            </button>
          </fetcher.Form>
        </Dialog>
      ) : null}
    </div>
  );
}

/**
 * What a signature is about, before it is given: the version, its content hash and the parties, and
 * that it is final. In the signing dialog, and on the confirmation page without JavaScript.
 */
export function SignFacts({
  documentTitle,
  version,
  contentHash,
  translations = [],
  parties,
}: {
  documentTitle?: string;
  version: string;
  contentHash: string;
  /** The translations signed with it, each with its hash. */
  translations?: { documentId: string; language: string; contentHash: string }[];
  parties: string[];
}) {
  const { t } = useT();
  return (
    <>
      <p>{t("approval.confirmText", { version })}</p>
      <dl className="approval-facts">
        {documentTitle ? (
          <>
            <dt>{t("approval.document")}</dt>
            <dd>{documentTitle}</dd>
          </>
        ) : null}
        <dt>{t("approval.version")}</dt>
        <dd>{version}</dd>
        <dt>{t("approval.hash")}</dt>
        <dd>
          <code className="hash">{contentHash}</code>
        </dd>
        {translations.map((tr) => (
          <Fragment key={tr.documentId}>
            <dt>{t("approval.translationHash", { language: t(`languages.${tr.language}`) })}</dt>
            <dd>
              <code className="hash">{tr.contentHash}</code>
            </dd>
          </Fragment>
        ))}
        {parties.length ? (
          <>
            <dt>{t("approval.parties")}</dt>
            <dd>{parties.join(", ")}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <strong>{t("approval.confirmFinal")}</strong>
      </p>
    </>
  );
}

function AmendForm({ action }: { action: string }) {
  const { t } = useT();
  const fetcher = useFetcher<ApprovalResult>();
  const result = fetcher.data;
  return (
    <fetcher.Form method="post" action={action} className="approval-amend">
      <p className="hint">{t("approval.amendHint")}</p>
      <Outcome id="approval-amend-error" intent="amend" result={result} />
      <button type="submit" name="intent" value="amend" className="secondary" disabled={fetcher.state !== "idle"}>
        {t("approval.amend")}
      </button>
    </fetcher.Form>
  );
}
