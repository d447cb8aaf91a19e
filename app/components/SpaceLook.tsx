import type { FieldMetadata } from "@conform-to/react";
import { BookOpen, Globe, Handshake, Landmark, Leaf, School, type LucideIcon } from "lucide-react";
import { SPACE_COLORS, SPACE_ICONS, type SpaceIcon } from "@twinning/domain";
import { ErrorList, SelectField } from "~/components/Field";
import { useT } from "~/lib/i18n";

/** One SVG icon set (lucide) for the spaces' icons: emoji showed as empty boxes without an emoji font. */
const ICONS: Record<SpaceIcon, LucideIcon> = { handshake: Handshake, school: School, leaf: Leaf, building: Landmark, globe: Globe, book: BookOpen };

/** The space's icon, decorative (its title carries the meaning). */
export function SpaceIconGlyph({ icon, size = 22 }: { icon: SpaceIcon; size?: number }) {
  const Icon = ICONS[icon] ?? Globe;
  return (
    <span className="space-icon" aria-hidden="true">
      <Icon size={size} />
    </span>
  );
}

/** Colour and icon pickers shared by the create and settings forms: the icons as a group of radio buttons showing each. */
export function SpaceLookFields({ color, icon }: { color: FieldMetadata<string>; icon: FieldMetadata<string> }) {
  const { t } = useT();
  const chosen = (icon.value ?? icon.initialValue ?? SPACE_ICONS[0]) as string;
  return (
    <>
      <SelectField field={color} label={t("space.color")} options={SPACE_COLORS.map((c) => ({ value: c, label: t(`colors.${c}`) }))} />
      <fieldset className="icon-picker" aria-describedby={icon.errors ? icon.errorId : undefined}>
        <legend>{t("space.icon")}</legend>
        {SPACE_ICONS.map((i) => {
          const Icon = ICONS[i];
          return (
            <label key={i} className="icon-choice">
              <input type="radio" name={icon.name} value={i} defaultChecked={chosen === i} />
              <Icon aria-hidden="true" size={20} />
              <span>{t(`icons.${i}`)}</span>
            </label>
          );
        })}
        <ErrorList id={icon.errorId} errors={icon.errors} />
      </fieldset>
    </>
  );
}
