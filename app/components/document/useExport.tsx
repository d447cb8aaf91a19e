import { LoaderCircle } from "lucide-react";
import { useRef, useState } from "react";
import type { Locale } from "@twinning/domain";
import { EXPORT_FORMATS, type ExportFormat } from "@twinning/domain/export";
import type { MenuItem } from "~/components/Menu";
import { useT } from "~/lib/i18n";
import "./export.css";

type State = { kind: "idle" } | { kind: "preparing"; label: string } | { kind: "done"; file: string } | { kind: "failed"; busy: boolean };

/** The file name a response's `Content-Disposition` names (`filename*` first, RFC 6266). */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // Fall back to the plain name.
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? null;
}

/**
 * Export from the "⋯" menu: one item per format. The file is fetched (so the menu can say it is
 * being prepared — a large document takes seconds), then handed to the browser as a download under
 * the name the server gave it. `path` is the document's page (`/s/<space>/docs/<doc>`).
 */
/** A bilingual export on offer: the linked document (a translation, or the source) and the two languages, source first. */
export interface BilingualPair {
  id: string;
  left: Locale;
  right: Locale;
}

/** The formats a bilingual export comes in (two columns, block by block). */
export const BILINGUAL_FORMATS = ["docx", "pdf"] as const satisfies readonly ExportFormat[];

export function useExport(path: string | undefined, version?: string, bilingual: BilingualPair[] = []) {
  const { t } = useT();
  const [state, setState] = useState<State>({ kind: "idle" });
  const running = useRef(false);
  const label = (f: ExportFormat) => t(`export.formats.${f}`);
  const pairName = (p: BilingualPair) => ({ left: t(`languages.${p.left}`), right: t(`languages.${p.right}`) });

  const start = async (format: ExportFormat, comments = false, pair?: BilingualPair) => {
    if (!path || running.current) return;
    running.current = true;
    setState({ kind: "preparing", label: pair ? `${t("export.bilingual", pairName(pair))} ${label(format)}` : comments ? t("export.docxWithComments") : label(format) });
    try {
      const query = new URLSearchParams({ format, ...(version ? { version } : {}), ...(comments ? { comments: "1" } : {}), ...(pair ? { with: pair.id } : {}) });
      const res = await fetch(`${path}/export?${query}`, { credentials: "same-origin" });
      if (!res.ok) {
        setState({ kind: "failed", busy: res.status === 503 });
        return;
      }
      const file = dispositionName(res.headers.get("Content-Disposition")) ?? `document.${format}`;
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has the file once the click is handled; the URL can go a little later.
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ kind: "done", file });
    } catch {
      setState({ kind: "failed", busy: false });
    } finally {
      running.current = false;
    }
  };

  const items: MenuItem[] = path
    ? EXPORT_FORMATS.flatMap((f) => [
        { id: `export-${f}`, label: t("export.as", { format: label(f) }), onSelect: () => void start(f) },
        // The current text's open comment threads, as Word comments.
        ...(f === "docx" && !version ? [{ id: "export-docx-comments", label: t("export.as", { format: t("export.docxWithComments") }), onSelect: () => void start("docx", true) }] : []),
      ])
    : [];
  // The current text beside each linked document's, in two columns.
  if (path && !version)
    for (const pair of bilingual)
      for (const f of BILINGUAL_FORMATS)
        items.push({ id: `export-bilingual-${pair.id}-${f}`, label: t("export.bilingualAs", { ...pairName(pair), format: label(f) }), onSelect: () => void start(f, false, pair) });

  const status = (
    <p role="status" className={`export-status${state.kind === "idle" ? " idle" : ""}`} aria-busy={state.kind === "preparing"}>
      {state.kind === "preparing" ? (
        <>
          <LoaderCircle aria-hidden="true" size={16} className="spinner" /> {t("export.preparing", { format: state.label })}
        </>
      ) : state.kind === "done" ? (
        t("export.downloaded", { file: state.file })
      ) : state.kind === "failed" ? (
        <span className="field-errors">{state.busy ? t("export.busy") : t("export.failed")}</span>
      ) : null}
    </p>
  );
  return { items, status };
}

/**
 * Plain download links of a document (or one version) in every format: they work without
 * JavaScript (the browser shows its own progress), as on the version page.
 */
export function ExportLinks({ path, version }: { path: string; version?: string }) {
  const { t } = useT();
  return (
    <nav className="export-links" aria-label={t("export.menuLabel")}>
      <span>{t("export.thisVersion")}</span>
      <ul>
        {EXPORT_FORMATS.map((f) => (
          <li key={f}>
            <a href={`${path}/export?${new URLSearchParams({ format: f, ...(version ? { version } : {}) })}`} download>
              {t(`export.formats.${f}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Plain download links of a bilingual export (Word and PDF), which work without JavaScript: `path` is the opened document's page. */
export function BilingualLinks({ path, pair }: { path: string; pair: BilingualPair }) {
  const { t } = useT();
  const names = { left: t(`languages.${pair.left}`), right: t(`languages.${pair.right}`) };
  return (
    <p className="export-links bilingual-links">
      <span>{t("export.bilingualLinks", names)}</span>{" "}
      {BILINGUAL_FORMATS.map((f) => (
        <span key={f}>
          <a href={`${path}/export?${new URLSearchParams({ format: f, with: pair.id })}`} download aria-label={t("export.bilingualAs", { ...names, format: t(`export.formats.${f}`) })}>
            {t(`export.formats.${f}`)}
          </a>
        </span>
      ))}
    </p>
  );
}
