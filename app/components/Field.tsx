import { getInputProps, getSelectProps, type FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";
import { useT } from "~/lib/i18n";
import { translateMessage } from "~/lib/forms";

/** Translated error messages for a field (their i18n keys come from the zod schemas). */
export function ErrorList({ id, errors }: { id: string; errors?: string[] }) {
  const { t } = useT();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors">
      {errors.map((message) => (
        <li key={message}>{translateMessage(t, "errors", message)}</li>
      ))}
    </ul>
  );
}

interface FieldProps {
  field: FieldMetadata<string | undefined>;
  label: string;
  type?: "text" | "email" | "password";
  hint?: ReactNode;
  autoComplete?: string;
  maxLength?: number;
}

/** A labelled input with its hint and errors wired up by aria-describedby. */
export function TextField({ field, label, type = "text", hint, autoComplete, maxLength }: FieldProps) {
  const hintId = `${field.id}-hint`;
  const describedBy = [hint ? hintId : null, field.errors ? field.errorId : null].filter(Boolean).join(" ") || undefined;
  const { key, ...inputProps } = getInputProps(field, { type, ariaDescribedBy: describedBy });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {/* No maxLength attribute: it would cut pasted text without a word; the form's check names the limit. */}
      <input key={key} {...inputProps} autoComplete={autoComplete} data-max-length={maxLength} />
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  hint,
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  options: { value: string; label: string }[];
  hint?: ReactNode;
}) {
  const hintId = `${field.id}-hint`;
  const describedBy = [hint ? hintId : null, field.errors ? field.errorId : null].filter(Boolean).join(" ") || undefined;
  const { key, ...selectProps } = getSelectProps(field, { ariaDescribedBy: describedBy });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <select key={key} {...selectProps}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** The form-level message: errors not tied to one field, announced to screen readers. */
export function FormMessage({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <div role="alert" className="form-error">
      <ErrorList id={id} errors={errors} />
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}
