import type { FieldMetadata } from "@conform-to/react";
import { SPACE_COLORS, SPACE_ICONS, type SpaceIcon } from "@twinning/domain";
import { SelectField } from "~/components/Field";
import { useT } from "~/lib/i18n";

const GLYPHS: Record<SpaceIcon, string> = { handshake: "🤝", school: "🏫", leaf: "🌱", building: "🏛", globe: "🌏", book: "📘" };

/** The space's icon as a decorative glyph (its title carries the meaning). */
export function SpaceIconGlyph({ icon }: { icon: SpaceIcon }) {
  return (
    <span className="space-icon" aria-hidden="true">
      {GLYPHS[icon]}
    </span>
  );
}

/** Colour and icon pickers shared by the create and settings forms. */
export function SpaceLookFields({ color, icon }: { color: FieldMetadata<string>; icon: FieldMetadata<string> }) {
  const { t } = useT();
  return (
    <>
      <SelectField field={color} label={t("space.color")} options={SPACE_COLORS.map((c) => ({ value: c, label: t(`colors.${c}`) }))} />
      <SelectField field={icon} label={t("space.icon")} options={SPACE_ICONS.map((i) => ({ value: i, label: `${GLYPHS[i]} ${t(`icons.${i}`)}` }))} />
    </>
  );
}
