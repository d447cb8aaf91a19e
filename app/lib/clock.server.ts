import { homeTimeZone, spaceTimeZones, type Queryable } from "@twinning/db";
import type { Country, Locale } from "@twinning/domain";
import { defaultZone, type Clock } from "@twinning/i18n";

/**
 * The reader's clock (issue 15): their tenant's zone, and the other zones of the space they are in
 * (its host's and active partners'). `spaceId` must be a space the caller has authorised.
 */
export function clockOf(home: { zone: string; country: Country } | null, locale: Locale, spaceZones: { zone: string; country: Country }[]): Clock {
  const zone = home?.zone ?? defaultZone(locale);
  const others = spaceZones.filter((z, i) => z.zone !== zone && spaceZones.findIndex((y) => y.zone === z.zone) === i);
  return { zone, country: home?.country ?? null, others };
}

/** The same, looked up: for routes outside the page shell (exports). */
export async function readerClock(tx: Queryable, user: { id: string; currentTenantId: string | null }, locale: Locale, spaceId: string | null): Promise<Clock> {
  const [home, zones] = await Promise.all([homeTimeZone(tx, user), spaceId ? spaceTimeZones(tx, spaceId) : []]);
  return clockOf(home, locale, zones);
}
