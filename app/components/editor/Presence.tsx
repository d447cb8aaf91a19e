import { useEffect, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import { useT } from "~/lib/i18n";

interface Person {
  clientId: number;
  userId: string;
  name: string;
  tenantName: string;
  color: string;
  self: boolean;
}

/** Everyone in the document, as the server named them (the server sets name and tenant, not the client). */
export function Presence({ provider }: { provider: WebsocketProvider }) {
  const { t } = useT();
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    const read = () => {
      const seen = new Map<string, Person>();
      provider.awareness.getStates().forEach((state, clientId) => {
        const user = state.user as Partial<Person> | undefined;
        if (!user?.name) return;
        const key = user.userId ?? String(clientId);
        if (!seen.has(key)) {
          seen.set(key, {
            clientId,
            userId: key,
            name: user.name,
            tenantName: user.tenantName ?? "",
            color: user.color ?? "#1f5f8b",
            self: clientId === provider.awareness.clientID,
          });
        }
      });
      setPeople([...seen.values()]);
    };
    read();
    provider.awareness.on("change", read);
    return () => provider.awareness.off("change", read);
  }, [provider]);
  return (
    <section className="presence" aria-label={t("editor.present")}>
      <ul>
        {people.map((p) => (
          <li key={p.userId} className="avatar" style={{ backgroundColor: p.color }} title={`${p.name} (${p.tenantName})`}>
            <span aria-hidden="true">{initials(p.name)}</span>
            <span className="visually-hidden">
              {p.name}, {p.tenantName}
              {p.self ? ` (${t("editor.you")})` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return (parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : name.slice(0, 2)).toUpperCase();
}
