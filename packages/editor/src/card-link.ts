import { Node, mergeAttributes, type NodeViewRenderer } from "@tiptap/core";

export interface CardLinkOptions {
  /** The browser passes a live view (title, column, lead, assignees, due date); the server renders HTML. */
  nodeView: NodeViewRenderer | null;
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    cardLink: {
      /** Inserts a link to a board card at the selection's end. */
      insertCardLink: (cardId: string) => ReturnType;
    };
  }
}

/**
 * An inline reference to a card on a board. Only the id lives in the document: everything shown
 * comes from the card itself, so moving the card changes every copy of the document at once.
 */
export const CardLink = Node.create<CardLinkOptions>({
  name: "cardLink",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,
  draggable: false,

  addOptions() {
    return { nodeView: null };
  },

  addAttributes() {
    return {
      cardId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-card-id"),
        renderHTML: (attributes) => ({ "data-card-id": attributes.cardId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "span[data-card-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes({ class: "card-link" }, HTMLAttributes), "▣"];
  },

  addNodeView() {
    return this.options.nodeView;
  },

  addCommands() {
    return {
      insertCardLink:
        (cardId) =>
        ({ chain, state }) =>
          chain()
            .insertContentAt(state.selection.to, [{ type: this.name, attrs: { cardId } }, { type: "text", text: " " }])
            .run(),
    };
  },
});
