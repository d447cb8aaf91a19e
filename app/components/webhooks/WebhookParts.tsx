import { CheckCircle2, Clock, XCircle } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { WEBHOOK_EVENTS, LIMITS } from "@twinning/domain";
import { translateMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";

/** What a webhook form holds: as the user typed it (a refused form keeps it) or as stored. */
export interface WebhookTyped {
  url: string;
  description: string;
  events: string[];
  active: boolean;
}

/** A refused form's one message and the field it belongs to (none: the form's). */
export interface WebhookFormError {
  field?: string;
  message: string;
}

/** An event's name in the reader's language ("card.created" → "Card created"; nested keys, as the event names are dotted). */
export function useEventName() {
  const { t } = useT();
  return (event: string) => String(t(`webhooks.eventNames.${event}`, { defaultValue: event }));
}

/** A delivery's state: an icon and its words, never colour alone. */
export function DeliveryState({ state }: { state: "pending" | "delivered" | "failed" }) {
  const { t } = useT();
  const Icon = state === "delivered" ? CheckCircle2 : state === "failed" ? XCircle : Clock;
  return (
    <span className={`badge delivery-state delivery-${state}`}>
      <Icon size={14} aria-hidden="true" />
      {t(`webhooks.states.${state}`)}
    </span>
  );
}

/**
 * The fields of a webhook: URL, description, the events (each with what it means) and, when editing,
 * whether it is active. Plain inputs, so the form posts without JavaScript; errors from the server
 * are tied to their field (aria-invalid, aria-describedby) and the first one takes focus.
 */
export function WebhookFields({ idPrefix, typed, error, editing }: { idPrefix: string; typed: WebhookTyped; error?: WebhookFormError; editing?: boolean }) {
  const { t } = useT();
  const eventName = useEventName();
  const firstError = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (error) firstError.current?.focus();
  }, [error]);
  const id = (field: string) => `${idPrefix}-${field}`;
  const errorFor = (field: string) => (error && (error.field ?? "form") === field ? translateMessage(t, "errors", error.message) : null);
  const described = (field: string, hint = true) =>
    [hint ? `${id(field)}-hint` : null, errorFor(field) ? `${id(field)}-error` : null].filter(Boolean).join(" ") || undefined;
  const errorText = (field: string) => {
    const text = errorFor(field);
    return text ? (
      <p id={`${id(field)}-error`} className="field-errors">
        {text}
      </p>
    ) : null;
  };
  const refFor = (field: string) => (errorFor(field) ? (el: HTMLElement | null) => void (firstError.current = el) : undefined);
  const formMessage =
    errorFor("form") ?? (error?.field && !["url", "description", "events"].includes(error.field) ? translateMessage(t, "errors", error.message) : null);
  return (
    <>
      {formMessage ? (
        <div role="alert" className="form-error" tabIndex={-1} ref={(el) => void (el && !errorFor("url") && !errorFor("events") && (firstError.current = el))}>
          <p className="field-errors">{formMessage}</p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={id("url")}>{t("webhooks.url")}</label>
        <p id={`${id("url")}-hint`} className="hint">
          {t("webhooks.urlHint")}
        </p>
        <input
          id={id("url")}
          name="url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          defaultValue={typed.url}
          required
          aria-invalid={errorFor("url") ? true : undefined}
          aria-describedby={described("url")}
          data-max-length={LIMITS.webhookUrlLength}
          ref={refFor("url")}
        />
        {errorText("url")}
      </div>
      <div className="field">
        <label htmlFor={id("description")}>{t("webhooks.description")}</label>
        <p id={`${id("description")}-hint`} className="hint">
          {t("webhooks.descriptionHint")}
        </p>
        <input
          id={id("description")}
          name="description"
          autoComplete="off"
          defaultValue={typed.description}
          aria-invalid={errorFor("description") ? true : undefined}
          aria-describedby={described("description")}
          data-max-length={LIMITS.webhookDescriptionLength}
          ref={refFor("description")}
        />
        {errorText("description")}
      </div>
      <fieldset className="webhook-events" aria-describedby={described("events")}>
        <legend>{t("webhooks.events")}</legend>
        <p id={`${id("events")}-hint`} className="hint">
          {t("webhooks.eventsHint")}
        </p>
        {WEBHOOK_EVENTS.map((event, i) => (
          <div className="field checkbox" key={event}>
            <input
              type="checkbox"
              id={id(`event-${event}`)}
              name="events"
              value={event}
              defaultChecked={typed.events.includes(event)}
              aria-describedby={`${id(`event-${event}`)}-hint`}
              ref={i === 0 ? refFor("events") : undefined}
            />
            <label htmlFor={id(`event-${event}`)}>{eventName(event)}</label>
            <p id={`${id(`event-${event}`)}-hint`} className="hint event-hint">
              {t(`webhooks.eventHints.${event}`)}
            </p>
          </div>
        ))}
        {errorText("events")}
      </fieldset>
      {editing ? (
        <div className="field checkbox">
          <input type="checkbox" id={id("active")} name="active" value="on" defaultChecked={typed.active} aria-describedby={`${id("active")}-hint`} />
          <label htmlFor={id("active")}>{t("webhooks.activeField")}</label>
          <p id={`${id("active")}-hint`} className="hint event-hint">
            {t("webhooks.activeHint")}
          </p>
        </div>
      ) : null}
    </>
  );
}

/**
 * A new webhook's secret, shown once (the page's action answer is the only place it ever is): a
 * read-only field, selected, a copy button once JavaScript runs, and how the receiver checks requests.
 */
export function WebhookSecret({ url, secret }: { url: string; secret: string }) {
  const { t } = useT();
  const input = useRef<HTMLInputElement>(null);
  const [hydrated, setHydrated] = useState(false);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => {
    setHydrated(true);
    input.current?.focus();
    input.current?.select();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      input.current?.select();
      setCopied("no");
    }
  };
  return (
    <section className="card stack webhook-secret" aria-labelledby="webhook-created-heading">
      <h2 id="webhook-created-heading">{t("webhooks.created", { url })}</h2>
      <p>{t("webhooks.secretOnce")}</p>
      <div className="field">
        <label htmlFor="webhook-secret">{t("webhooks.secretLabel")}</label>
        <div className="copy-row">
          <input id="webhook-secret" ref={input} readOnly value={secret} className="mono" spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
          {hydrated ? (
            <button type="button" className="secondary" onClick={copy}>
              {t("webhooks.copy")}
            </button>
          ) : null}
        </div>
        <p role="status" className="hint">
          {copied === "yes" ? t("webhooks.copied") : copied === "no" ? t("webhooks.copyFailed") : ""}
        </p>
      </div>
      <h3>{t("webhooks.verifyHeading")}</h3>
      <p>{t("webhooks.verifyHeaders")}</p>
      <p>{t("webhooks.verifySignature")}</p>
      <p>{t("webhooks.verifyRefuse")}</p>
    </section>
  );
}
