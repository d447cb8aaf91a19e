import { NodeViewWrapper, type ReactNodeViewProps } from "@tiptap/react";
import { SquareKanban } from "lucide-react";
import { createContext, useContext } from "react";
import type { CardSummary } from "@twinning/db";
import { useT } from "~/lib/i18n";

export type { CardSummary };

export const CardDataContext = createContext<Map<string, CardSummary>>(new Map());
/** The card a backlink landed on (`#card-<id>`): shown highlighted. */
export const HighlightedCardContext = createContext<string | null>(null);

/** The live card inside a document: title, column, lead tenant, assignees and due date — or "card removed". */
export function CardNode({ node, editor }: ReactNodeViewProps) {
  const cards = useContext(CardDataContext);
  const { t, date } = useT();
  const cardId = String(node.attrs.cardId ?? "");
  const card = cards.get(cardId);
  const highlighted = useContext(HighlightedCardContext) === cardId;
  return (
    <NodeViewWrapper
      as="span"
      className={`card-node${card ? ` kind-${card.columnKind}` : ""}${card?.deleted ? " removed" : ""}${highlighted ? " highlight" : ""}`}
      id={`card-${cardId}`}
      data-card-id={cardId}
      contentEditable={false}
    >
      {!card ? (
        <SquareKanban className="card-node-title" aria-hidden="true" size={14} />
      ) : card.deleted ? (
        <span className="card-node-title">{t("board.cardRemoved")}</span>
      ) : (
        <a
          href={`/s/${card.spaceId}/boards/${card.boardId}/cards/${card.id}`}
          aria-label={t("board.cardStatus", { title: card.title, column: card.columnTitle })}
          title={editor.isEditable ? t("editor.cardOpenHint") : undefined}
          // While writing, a click into the text must not leave the page (as links, which open with Ctrl+click).
          onClick={(event) => {
            if (editor.isEditable && !event.ctrlKey && !event.metaKey) event.preventDefault();
          }}
        >
          <span className="card-node-title">{card.title}</span>
          <span className="card-node-status" data-status={card.columnKind}>
            {card.columnTitle}
          </span>
          {card.leadTenantName ? <span className="card-node-lead">{card.leadTenantName}</span> : null}
          {card.assignees.length ? <span className="card-node-people">{card.assignees.join(", ")}</span> : null}
          {card.dueDate ? <span className="card-node-due">{date(card.dueDate)}</span> : null}
        </a>
      )}
    </NodeViewWrapper>
  );
}
