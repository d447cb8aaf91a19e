import {
  closestCorners,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { LIMITS } from "@twinning/domain";
import { useT } from "~/lib/i18n";
import { CardChip, type CardView } from "./CardChip";

export interface ColumnView {
  id: string;
  title: string;
  kind: "open" | "active" | "done";
}

interface Props {
  columns: ColumnView[];
  cards: CardView[];
  cardHref: (id: string) => string;
  canEdit: boolean;
}

/**
 * The kanban view. Cards are dragged with the pointer or the keyboard (focus a card's handle, Space to
 * pick up, arrow keys to move, Space to drop, Escape to cancel); every move is announced to screen
 * readers in the user's language and saved at once.
 */
export function Kanban({ columns, cards: serverCards, cardHref, canEdit }: Props) {
  const { t } = useT();
  const mover = useFetcher();
  // Optimistic order: shown at once, replaced by the server's on the next load.
  const [cards, setCards] = useState(serverCards);
  useEffect(() => setCards(serverCards), [serverCards]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const byColumn = useMemo(() => new Map(columns.map((c) => [c.id, cards.filter((card) => card.columnId === c.id)])), [columns, cards]);
  const title = (id: unknown) => cards.find((c) => c.id === id)?.title ?? columns.find((c) => c.id === id)?.title ?? "";
  const columnOf = (id: unknown) => columns.find((c) => c.id === id) ?? columns.find((c) => c.id === cards.find((card) => card.id === id)?.columnId);

  const announcements: Announcements = {
    onDragStart: ({ active }) => t("board.dnd.picked", { card: title(active.id) }),
    onDragOver: ({ active, over }) => (over ? t("board.dnd.over", { card: title(active.id), column: columnOf(over.id)?.title ?? "" }) : t("board.dnd.outside", { card: title(active.id) })),
    onDragEnd: ({ active, over }) => (over ? t("board.dnd.dropped", { card: title(active.id), column: columnOf(over.id)?.title ?? "" }) : t("board.dnd.cancelled", { card: title(active.id) })),
    onDragCancel: ({ active }) => t("board.dnd.cancelled", { card: title(active.id) }),
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const target = columnOf(over.id);
    if (!target) return;
    const moving = cards.find((c) => c.id === active.id)!;
    const rest = cards.filter((c) => c.id !== moving.id);
    const inTarget = rest.filter((c) => c.columnId === target.id);
    // Dropped on a card: take its place (after the one before it); on the column: at its end.
    const overIndex = inTarget.findIndex((c) => c.id === over.id);
    const afterId = overIndex === -1 ? inTarget.at(-1)?.id : inTarget[overIndex - 1]?.id;
    const moved = { ...moving, columnId: target.id };
    const insertAt = afterId ? rest.findIndex((c) => c.id === afterId) + 1 : rest.findIndex((c) => c.columnId === target.id);
    const next = [...rest];
    next.splice(insertAt === -1 ? next.length : insertAt, 0, moved);
    setCards(next);
    mover.submit({ intent: "move", cardId: moving.id, columnId: target.id, afterId: afterId ?? "" }, { method: "post" });
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t("board.dnd.instructions") } }}
    >
      <div className="kanban">
        {columns.map((column) => (
          <KanbanColumn key={column.id} column={column} cards={byColumn.get(column.id) ?? []} cardHref={cardHref} canEdit={canEdit} />
        ))}
      </div>
    </DndContext>
  );
}

function KanbanColumn({ column, cards, cardHref, canEdit }: { column: ColumnView; cards: CardView[]; cardHref: (id: string) => string; canEdit: boolean }) {
  const { t } = useT();
  const { setNodeRef, isOver } = useDroppable({ id: column.id, disabled: !canEdit });
  const headingId = `column-${column.id}`;
  return (
    <section className={`kanban-column${isOver ? " over" : ""}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {column.title} <span className="muted">({cards.length})</span>
      </h3>
      <SortableContext items={cards.map((c) => c.id)} strategy={verticalListSortingStrategy}>
        <ul ref={setNodeRef} className="kanban-cards" data-column-id={column.id}>
          {cards.map((card) => (
            <SortableCard key={card.id} card={card} href={cardHref(card.id)} done={column.kind === "done"} canEdit={canEdit} />
          ))}
        </ul>
      </SortableContext>
      {canEdit ? (
        <Form method="post" className="add-card">
          <input type="hidden" name="intent" value="createCard" />
          <input type="hidden" name="columnId" value={column.id} />
          <label htmlFor={`new-card-${column.id}`} className="visually-hidden">
            {t("board.newCardIn", { column: column.title })}
          </label>
          <input id={`new-card-${column.id}`} name="title" placeholder={t("board.newCardPlaceholder")} maxLength={LIMITS.cardTitleLength} required />
          <button type="submit" className="secondary">
            {t("board.add")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

function SortableCard({ card, href, done, canEdit }: { card: CardView; href: string; done: boolean; canEdit: boolean }) {
  const { t } = useT();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: card.id, disabled: !canEdit });
  const handle = canEdit ? (
    <button type="button" className="drag-handle" {...attributes} {...listeners} aria-label={t("board.moveCard", { card: card.title })}>
      <span aria-hidden="true">⠿</span>
    </button>
  ) : null;
  return (
    <li ref={setNodeRef} style={{ transform: CSS.Transform.toString(transform), transition }} className={isDragging ? "dragging" : undefined} data-card-id={card.id}>
      <CardChip card={card} href={href} done={done} handle={handle} />
    </li>
  );
}
