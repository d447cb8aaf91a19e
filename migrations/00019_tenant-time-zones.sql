-- Issue 15: each tenant has a time zone (an IANA name), so times are shown where its people live and
-- beside the partners' ("9.00 Danmark · 16.00 Kina"). New tenants get their country's zone
-- (COUNTRY_TIME_ZONES in packages/domain); existing ones get it here.
alter table tenants add column time_zone text not null default 'Europe/Copenhagen'
  check (time_zone ~ '^[A-Za-z]+(/[A-Za-z0-9_+-]+){0,2}$' or time_zone = 'UTC');

update tenants set time_zone = case country
  when 'CN' then 'Asia/Shanghai'
  when 'SE' then 'Europe/Stockholm'
  when 'NO' then 'Europe/Oslo'
  when 'FI' then 'Europe/Helsinki'
  when 'DE' then 'Europe/Berlin'
  when 'GB' then 'Europe/London'
  else 'Europe/Copenhagen' end;
