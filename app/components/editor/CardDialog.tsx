import { useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import type { CardSummary } from "./CardNode";

export type CardDialogMode = { kind: "link" } | { kind: "create"; title: string };

/**
 * A modal dialog (native <dialog>: focus is trapped and Escape closes it) to pick a card to link, or to
 * choose the board a new card from the selection goes on.
 */
export function CardDialog({
  spaceId,
  boards,
  mode,
  onLink,
  onClose,
}: {
  spaceId: string;
  boards: { id: string; title: string }[];
  mode: CardDialogMode;
  onLink: (cardId: string) => void;
  onClose: () => void;
}) {
  const { t } = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<CardSummary[]>([]);
  const [boardId, setBoardId] = useState(boards[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  useEffect(() => {
    if (mode.kind !== "link") return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/cards?space=${spaceId}&q=${encodeURIComponent(query)}`, { signal: controller.signal })
        .then((r) => r.json())
        .then((body: { cards: CardSummary[] }) => setResults(body.cards))
        .catch(() => {});
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, mode.kind, spaceId]);

  async function create() {
    const response = await fetch("/api/cards", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "createFromSelection", spaceId, boardId, title: mode.kind === "create" ? mode.title : "" }),
    });
    const body = (await response.json()) as { id?: string; error?: string };
    if (body.id) onLink(body.id);
    else setError(body.error ?? "cardNotFound");
  }

  return (
    <dialog ref={ref} className="card-dialog" aria-labelledby="card-dialog-title" onClose={onClose}>
      <h2 id="card-dialog-title">{mode.kind === "link" ? t("board.chooseCard") : t("board.createFromSelection")}</h2>
      {error ? (
        <p role="alert" className="form-error">
          {t(`errors.${error}`)}
        </p>
      ) : null}
      {mode.kind === "link" ? (
        <>
          <label htmlFor="card-search">{t("board.searchCards")}</label>
          <input id="card-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
          {results.length ? (
            <ul className="card-results">
              {results.map((card) => (
                <li key={card.id}>
                  <button type="button" className="secondary" onClick={() => onLink(card.id)}>
                    {card.title} <span className="muted">({card.columnTitle})</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("board.noMatches")}</p>
          )}
        </>
      ) : (
        <>
          <p>“{mode.title}”</p>
          <label htmlFor="card-board">{t("board.chooseBoard")}</label>
          <select id="card-board" value={boardId} onChange={(e) => setBoardId(e.target.value)}>
            {boards.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
          <p>
            <button type="button" onClick={() => void create()} disabled={!boardId}>
              {t("board.createCard")}
            </button>
          </p>
        </>
      )}
      <p>
        <button type="button" className="link-button" onClick={() => ref.current?.close()}>
          {t("board.close")}
        </button>
      </p>
    </dialog>
  );
}
