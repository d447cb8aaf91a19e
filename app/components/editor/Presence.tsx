import { useEffect, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import { initialsOf } from "@twinning/domain";
import { useT } from "~/lib/i18n";

interface Person {
  clientId: number;
  userId: string;
  name: string;
  tenantName: string;
  color: string;
  self: boolean;
}

/**
 * Everyone in the document, as the server named them (the server sets name and tenant, not the client).
 * This browser's own state carries only what it set itself, and an earlier connection of the same user
 * may linger for a while: `selfId` folds them into one entry, marked as you.
 */
export function Presence({ provider, selfId }: { provider: WebsocketProvider; selfId: string }) {
  const { t } = useT();
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    const read = () => {
      const seen = new Map<string, Person>();
      provider.awareness.getStates().forEach((state, clientId) => {
        const user = state.user as Partial<Person> | undefined;
        if (!user?.name) return;
        const self = clientId === provider.awareness.clientID || user.userId === selfId;
        const key = self ? selfId : (user.userId ?? String(clientId));
        const earlier = seen.get(key);
        seen.set(key, {
          clientId,
          userId: key,
          name: user.name,
          // The server's copy names the tenant; this browser's own state may not.
          tenantName: user.tenantName || earlier?.tenantName || "",
          color: user.color ?? earlier?.color ?? "#1f5f8b",
          self,
        });
      });
      // Carets move with every keystroke; who is here rarely changes. The same people keep the same
      // state, so React renders (and commits) nothing: see `SaveStatus` for why that matters.
      const next = [...seen.values()];
      setPeople((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
    };
    read();
    provider.awareness.on("change", read);
    return () => provider.awareness.off("change", read);
  }, [provider]);
  return (
    <section className="presence" aria-label={t("editor.present")}>
      <ul>
        {people.map((p) => (
          <li key={p.userId} className="avatar" style={{ backgroundColor: p.color }} title={p.tenantName ? `${p.name} (${p.tenantName})` : p.name}>
            <span aria-hidden="true">{initialsOf(p.name)}</span>
            <span className="visually-hidden">
              {p.tenantName ? `${p.name}, ${p.tenantName}` : p.name}
              {p.self ? ` (${t("editor.you")})` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
