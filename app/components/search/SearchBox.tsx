import { Form, useNavigate } from "@remix-run/react";
import { Search } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { SearchHit } from "~/lib/search.server";
import { useT } from "~/lib/i18n";
import { Highlighted } from "./Highlighted";
import "./search.css";

const DEBOUNCE_MS = 150;

/** Whether a key press happens where typing `/` means text (a field, the editor). */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/**
 * The header's search: a combobox (ARIA 1.2 pattern) whose listbox shows results as you type, from
 * `/api/search` (the same access rules as the results page). `/` or Ctrl+K (⌘K) focuses it; arrow
 * keys choose a result, Enter opens it (or, with none chosen, the results page), Escape closes the list.
 * Without JavaScript it is a plain form to `/search`.
 */
export function SearchBox() {
  const { t } = useT();
  const id = useId();
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      // Taken by what has focus (Ctrl+K in the editor links text).
      if (event.defaultPrevented) return;
      const shortcut = (event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey) && !event.altKey;
      if (shortcut || (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target))) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setHits([]);
      setBusy(false);
      return;
    }
    const abort = new AbortController();
    setBusy(true);
    const timer = setTimeout(() => {
      fetch(`/api/search?${new URLSearchParams({ q: query })}`, { signal: abort.signal, headers: { Accept: "application/json" } })
        .then((res) => (res.ok ? (res.json() as Promise<{ hits: SearchHit[] }>) : { hits: [] }))
        .then((body) => {
          setHits(body.hits);
          setActive(-1);
          setBusy(false);
        })
        .catch(() => {
          if (!abort.signal.aborted) setBusy(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [q]);

  const listId = `${id}-results`;
  const shown = open && q.trim() !== "";
  const optionId = (i: number) => `${id}-option-${i}`;
  const close = () => {
    setOpen(false);
    setActive(-1);
  };
  const go = (href: string) => {
    close();
    setQ("");
    // Focus goes where the result leads (the document page puts it on the block).
    input.current?.blur();
    navigate(href);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      const count = hits.length + 1; // the last option is "all results"
      setActive((a) => (event.key === "ArrowDown" ? (a + 1) % count : (a <= 0 ? count : a) - 1));
    } else if (event.key === "Escape") {
      if (shown) {
        event.preventDefault();
        close();
      }
    } else if (event.key === "Enter" && shown && active >= 0) {
      event.preventDefault();
      go(active < hits.length ? hits[active].href : `/search?${new URLSearchParams({ q: q.trim() })}`);
    }
  };

  return (
    <div role="search" className="site-search">
      <Form method="get" action="/search" role="presentation" onSubmit={close}>
        <label htmlFor={`${id}-q`} className="visually-hidden">
          {t("search.label")}
        </label>
        <Search aria-hidden="true" size={16} className="site-search-icon" />
        <input
          ref={input}
          id={`${id}-q`}
          name="q"
          type="search"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
          aria-describedby={`${id}-hint`}
          placeholder={t("search.placeholder")}
          maxLength={200}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={(e) => {
            if (!e.currentTarget.form?.contains(e.relatedTarget as Node | null)) close();
          }}
          onKeyDown={onKeyDown}
        />
        <span id={`${id}-hint`} className="visually-hidden">
          {t("search.shortcut")}
        </span>
        <ul id={listId} role="listbox" aria-label={t("search.suggestions")} className="site-search-results" hidden={!shown}>
          {hits.map((hit, i) => (
            <li
              key={hit.key}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className="site-search-option"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => go(hit.href)}
            >
              <span className="search-kind">{t(`search.kinds.${hit.kind}`)}</span>
              <span className="search-option-title">
                {hit.isComment ? t("search.commentOn", { title: hit.title }) : <Highlighted text={hit.title} marks={hit.titleMarks} />}
              </span>
              {hit.snippet ? (
                <span className="search-option-snippet">
                  <Highlighted text={hit.snippet.text} marks={hit.snippet.marks} />
                </span>
              ) : null}
              {hit.space ? <span className="search-option-space">{t("search.inSpace", { space: hit.space })}</span> : null}
            </li>
          ))}
          <li
            id={optionId(hits.length)}
            role="option"
            aria-selected={active === hits.length}
            className="site-search-option site-search-all"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => go(`/search?${new URLSearchParams({ q: q.trim() })}`)}
          >
            {busy ? t("search.searching") : t("search.showAll", { q: q.trim() })}
          </li>
        </ul>
      </Form>
    </div>
  );
}
