import { Form, Link } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { LIMITS } from "@twinning/domain";
import { ConfirmAction } from "~/components/ConfirmAction";
import { Notice } from "~/components/Field";
import { TableScroller } from "~/components/TableScroller";
import { useT } from "~/lib/i18n";

interface Token {
  id: string;
  name: string;
  prefix: string;
  scope: "read" | "write";
  spaceIds: string[] | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

interface Typed {
  name: string;
  scope: string;
  expiresOn: string;
  reach: string;
  spaceIds: string[];
}

/** The answer of the account action about tokens (the secret of a new token is only ever in it). */
export interface TokenActionData {
  tokenCreated?: { name: string; secret: string };
  tokenRevoked?: string;
  tokenErrors?: Record<string, string>;
  typed?: Typed;
}

/**
 * Account settings' API tokens: the list (what each may do, where, until when, when last used, revoke
 * after a confirmation) and the form for a new one, whose secret is shown once, here.
 */
export function ApiTokens({ tokens, spaces, result }: { tokens: Token[]; spaces: { id: string; title: string }[]; result?: TokenActionData }) {
  const { t, date } = useT();
  const errors = result?.tokenErrors ?? {};
  // A form refused keeps what was typed; a token created starts the form afresh.
  const typed: Typed = result?.typed ?? { name: "", scope: "read", expiresOn: "", reach: "all", spaceIds: [] };
  const message = (key: string | undefined) => {
    if (!key) return undefined;
    const [k, values] = key.split("|");
    const vars = values ? JSON.parse(values) : {};
    return String(t(`apiTokens.errors.${k}`, { ...vars, defaultValue: "" })) || String(t(`errors.${k}`, vars));
  };
  const secretRef = useRef<HTMLInputElement>(null);
  const firstError = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (result?.tokenCreated) secretRef.current?.select();
    else if (result?.tokenErrors) firstError.current?.focus();
  }, [result]);
  const described = (field: string, hint?: boolean) =>
    [hint ? `token-${field}-hint` : null, errors[field] ? `token-${field}-error` : null].filter(Boolean).join(" ") || undefined;
  const errorText = (field: string) =>
    errors[field] ? (
      <p id={`token-${field}-error`} className="field-errors">
        {message(errors[field])}
      </p>
    ) : null;
  const firstErrorField = ["name", "scope", "expiresOn", "reach", "spaceIds"].find((f) => errors[f]);
  const refFor = (field: string) => (firstErrorField === field ? (el: HTMLElement | null) => void (firstError.current = el) : undefined);

  return (
    <section className="stack" aria-labelledby="api-tokens-heading">
      <h2 id="api-tokens-heading">{t("apiTokens.heading")}</h2>
      <p className="muted">
        {t("apiTokens.intro")} <Link to="/api-reference">{t("apiTokens.reference")}</Link>
      </p>
      {result?.tokenCreated ? (
        <div className="card stack" role="status">
          <p>{t("apiTokens.created", { name: result.tokenCreated.name })}</p>
          <div className="field">
            <label htmlFor="new-token-secret">{t("apiTokens.secretLabel")}</label>
            <input id="new-token-secret" ref={secretRef} readOnly value={result.tokenCreated.secret} className="mono" spellCheck={false} />
          </div>
        </div>
      ) : null}
      {result?.tokenRevoked ? <Notice>{t("apiTokens.revoked", { name: result.tokenRevoked })}</Notice> : null}
      {tokens.length ? (
        <TableScroller label={t("apiTokens.listCaption")}>
          <table>
            <caption className="visually-hidden">{t("apiTokens.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("apiTokens.colName")}</th>
                <th scope="col">{t("apiTokens.colToken")}</th>
                <th scope="col">{t("apiTokens.colScope")}</th>
                <th scope="col">{t("apiTokens.colSpaces")}</th>
                <th scope="col">{t("apiTokens.colExpires")}</th>
                <th scope="col">{t("apiTokens.colLastUsed")}</th>
                <td />
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr key={tk.id}>
                  <th scope="row">{tk.name}</th>
                  <td>
                    <code>{tk.prefix}…</code>
                  </td>
                  <td>{tk.scope === "write" ? t("apiTokens.scopeWrite") : t("apiTokens.scopeRead")}</td>
                  <td>{tk.spaceIds ? t("apiTokens.spaceCount", { count: tk.spaceIds.length }) : t("apiTokens.allSpacesShort")}</td>
                  <td>{tk.expiresAt ? (new Date(tk.expiresAt) <= new Date() ? t("apiTokens.expired") : date(tk.expiresAt)) : t("apiTokens.noExpiry")}</td>
                  <td>{tk.lastUsedAt ? date(tk.lastUsedAt) : t("apiTokens.never")}</td>
                  <td>
                    <ConfirmAction
                      label={t("apiTokens.revokeOpen")}
                      ariaLabel={t("apiTokens.revokeLabel", { name: tk.name })}
                      title={t("apiTokens.revokeTitle", { name: tk.name })}
                      message={t("apiTokens.revokeText")}
                      confirm={t("apiTokens.revoke")}
                      fields={{ intent: "revokeToken", tokenId: tk.id }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroller>
      ) : (
        <p className="muted">{t("apiTokens.none")}</p>
      )}
      <Form method="post" className="card" key={result?.tokenCreated ? result.tokenCreated.secret : "token-form"} noValidate>
        <input type="hidden" name="intent" value="createToken" />
        {errors.form ? (
          <p className="field-errors" role="alert">
            {message(errors.form)}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="token-name">{t("apiTokens.name")}</label>
          <p id="token-name-hint" className="hint">
            {t("apiTokens.nameHint")}
          </p>
          <input
            id="token-name"
            name="name"
            defaultValue={typed.name}
            required
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={described("name", true)}
            ref={refFor("name")}
            data-max={LIMITS.apiTokenNameLength}
          />
          {errorText("name")}
        </div>
        <fieldset aria-describedby={described("scope")}>
          <legend>{t("apiTokens.scope")}</legend>
          {(["read", "write"] as const).map((scope) => (
            <div className="field checkbox" key={scope}>
              <input type="radio" id={`token-scope-${scope}`} name="scope" value={scope} defaultChecked={typed.scope === scope} />
              <label htmlFor={`token-scope-${scope}`}>{scope === "read" ? t("apiTokens.scopeRead") : t("apiTokens.scopeWrite")}</label>
            </div>
          ))}
          {errorText("scope")}
        </fieldset>
        <div className="field">
          <label htmlFor="token-expiresOn">{t("apiTokens.expires")}</label>
          <p id="token-expiresOn-hint" className="hint">
            {t("apiTokens.expiresHint")}
          </p>
          <input
            id="token-expiresOn"
            name="expiresOn"
            type="date"
            defaultValue={typed.expiresOn}
            aria-invalid={errors.expiresOn ? true : undefined}
            aria-describedby={described("expiresOn", true)}
            ref={refFor("expiresOn")}
          />
          {errorText("expiresOn")}
        </div>
        <fieldset aria-describedby={described("spaceIds")}>
          <legend>{t("apiTokens.spaces")}</legend>
          <div className="field checkbox">
            <input type="radio" id="token-reach-all" name="reach" value="all" defaultChecked={typed.reach !== "chosen"} />
            <label htmlFor="token-reach-all">{t("apiTokens.allSpaces")}</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id="token-reach-chosen" name="reach" value="chosen" defaultChecked={typed.reach === "chosen"} ref={refFor("spaceIds")} />
            <label htmlFor="token-reach-chosen">{t("apiTokens.chosenSpaces")}</label>
          </div>
          {spaces.map((s) => (
            <div className="field checkbox indent" key={s.id}>
              <input type="checkbox" id={`token-space-${s.id}`} name="spaceIds" value={s.id} defaultChecked={typed.spaceIds.includes(s.id)} />
              <label htmlFor={`token-space-${s.id}`}>{s.title}</label>
            </div>
          ))}
          {errorText("spaceIds")}
        </fieldset>
        <button type="submit">{t("apiTokens.create")}</button>
      </Form>
    </section>
  );
}
