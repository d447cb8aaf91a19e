import { Fragment } from "react";

/** Text with its matches (UTF-16 offsets from the server) in `<mark>`. */
export function Highlighted({ text, marks }: { text: string; marks: [number, number][] }) {
  const parts: JSX.Element[] = [];
  let at = 0;
  marks.forEach(([start, end], i) => {
    if (start < at || end > text.length) return;
    if (start > at) parts.push(<Fragment key={`t${i}`}>{text.slice(at, start)}</Fragment>);
    parts.push(<mark key={`m${i}`}>{text.slice(start, end)}</mark>);
    at = end;
  });
  if (at < text.length) parts.push(<Fragment key="rest">{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
