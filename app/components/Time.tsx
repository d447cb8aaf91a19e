import { useT } from "~/lib/i18n";

/**
 * An instant for the reader (issue 15): its day and time in their zone and, where the open space has
 * parties in other zones, their local time beside it — "2. dec. 2026, 09.00 Danmark · 16.00 Kina".
 */
export function Time({ value, style }: { value: string | Date; style?: "medium" | "long" }) {
  const { inZones } = useT();
  const [own, ...others] = inZones(value, style);
  const iso = new Date(value).toISOString();
  if (!others.length) return <time dateTime={iso}>{own.text}</time>;
  return (
    <time dateTime={iso} className="zoned-time">
      {own.text} <span className="zone-name">{own.label}</span>
      {others.map((o) => (
        <span key={o.zone} className="other-zone">
          <span className="separator">{" · "}</span>
          {o.text} <span className="zone-name">{o.label}</span>
        </span>
      ))}
    </time>
  );
}
