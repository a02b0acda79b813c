import { sql, type Kysely, type RawBuilder } from 'kysely'

/*
 * Nights of the bookings by hotel, kept beside the bookings for statistics.
 *
 * Summing the stays themselves reads 150 000 bookings for a year. Instead two roll-ups keep, per
 * hotel and night (`booking_days`) or month (`booking_months`), the nights sold (nights of confirmed
 * bookings), what they cost at the booked price, and the cancellations (cancelled bookings whose first
 * night falls there). A year of statistics then reads one row per hotel for each whole month from
 * `booking_months` and sums only the days of a month cut by the range from `booking_days`. Only
 * confirmed bookings sell nights: a booking of any other status (cancelled, or waiting for something)
 * counts for nothing but, when cancelled, its cancellation.
 *
 * Statement triggers with transition tables keep both in the same transactions as the bookings.
 * A booking counts for the hotel of its room type; a booking whose room type is gone (room_id null)
 * counts nowhere. A room type being deleted first takes its bookings out (before the foreign key sets
 * their room_id to null, after which the triggers no longer find its hotel); a hotel deleted takes
 * its rows with it.
 */
const EVENTS = ['insert', 'delete', 'update'] as const
const ROLLUPS = [
  { table: 'booking_days', key: 'night', of: sql`e.night` },
  { table: 'booking_months', key: 'month', of: sql`date_trunc('month', e.night::timestamp)::date` },
] as const

/** Every night of the given bookings (room_id, status, date_from, date_to, price, sign), with its hotel. */
function nightsOf(bookings: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select c.date_from + i as night, r.hotel_id,
      case when c.status = 'confirmed' then c.sign else 0 end as nights_sold,
      case when c.status = 'confirmed' then c.sign * c.price else 0 end as revenue,
      case when c.status = 'cancelled' and i = 0 then c.sign else 0 end as cancellations
    from (${bookings}) c
    join rooms r on r.id = c.room_id
    cross join lateral generate_series(0, c.date_to - c.date_from - 1) as i`
}

/** The roll-up's rows of those nights, summed; unchanged ones left out. */
function summed(rollup: (typeof ROLLUPS)[number], bookings: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select ${rollup.of} as key, e.hotel_id, sum(e.nights_sold) as nights_sold, sum(e.revenue) as revenue,
      sum(e.cancellations) as cancellations
    from (${nightsOf(bookings)}) e
    group by 1, 2
    having sum(e.nights_sold) <> 0 or sum(e.revenue) <> 0 or sum(e.cancellations) <> 0`
}

const COLUMNS = 'room_id, status, date_from, date_to, price'
const CHANGES = {
  insert: sql`select ${sql.raw(COLUMNS)}, 1 as sign from inserted`,
  delete: sql`select ${sql.raw(COLUMNS)}, -1 as sign from deleted`,
  update: sql`select ${sql.raw(COLUMNS)}, -1 as sign from deleted
    union all select ${sql.raw(COLUMNS)}, 1 from inserted`,
}

async function bookingRollups(db: Kysely<unknown>): Promise<void> {
  for (const rollup of ROLLUPS) {
    await sql`
      create table ${sql.table(rollup.table)} (
        ${sql.raw(rollup.key)} date not null,
        hotel_id bigint not null references hotels (id) on delete cascade,
        nights_sold integer not null default 0,
        revenue numeric not null default 0,
        cancellations integer not null default 0,
        primary key (${sql.raw(rollup.key)}, hotel_id)
      )`.execute(db)
    await sql`create index ${sql.raw(`${rollup.table}_hotel_idx`)} on ${sql.table(rollup.table)} (hotel_id)`.execute(
      db,
    )
  }
  for (const event of EVENTS) {
    const upserts = ROLLUPS.map(
      (rollup) => sql`
        insert into ${sql.table(rollup.table)} as t (${sql.raw(rollup.key)}, hotel_id, nights_sold, revenue, cancellations)
        ${summed(rollup, CHANGES[event])}
        on conflict (${sql.raw(rollup.key)}, hotel_id) do update
        set nights_sold = t.nights_sold + excluded.nights_sold, revenue = t.revenue + excluded.revenue,
          cancellations = t.cancellations + excluded.cancellations;`,
    )
    await sql`
      create function ${sql.raw(`booking_nights_${event}`)}() returns trigger language plpgsql as $$
      begin
        ${sql.join(upserts, sql``)}
        return null;
      end $$`.execute(db)
    const transition =
      event === 'insert'
        ? 'new table as inserted'
        : event === 'delete'
          ? 'old table as deleted'
          : 'old table as deleted new table as inserted'
    await sql`
      create trigger ${sql.raw(`bookings_nights_${event}`)} after ${sql.raw(event)} on bookings
      referencing ${sql.raw(transition)}
      for each statement execute function ${sql.raw(`booking_nights_${event}`)}()`.execute(db)
  }
  const ofRoom = sql`select ${sql.raw(COLUMNS)}, 1 as sign from bookings where room_id = old.id`
  const subtractions = ROLLUPS.map(
    (rollup) => sql`
      update ${sql.table(rollup.table)} t
      set nights_sold = t.nights_sold - e.nights_sold, revenue = t.revenue - e.revenue,
        cancellations = t.cancellations - e.cancellations
      from (${summed(rollup, ofRoom)}) e
      where (t.${sql.raw(rollup.key)}, t.hotel_id) = (e.key, e.hotel_id);`,
  )
  await sql`
    create function booking_nights_forget_room() returns trigger language plpgsql as $$
    begin
      -- A hotel being deleted takes its rows with it (and they may be gone already).
      if not exists (select from hotels where id = old.hotel_id) then
        return old;
      end if;
      ${sql.join(subtractions, sql``)}
      return old;
    end $$`.execute(db)
  await sql`
    create trigger rooms_forget_booking_nights before delete on rooms
    for each row execute function booking_nights_forget_room()`.execute(db)
  const rebuilt = ROLLUPS.map(
    (rollup) => sql`
      delete from ${sql.table(rollup.table)};
      insert into ${sql.table(rollup.table)} (${sql.raw(rollup.key)}, hotel_id, nights_sold, revenue, cancellations)
      ${summed(rollup, sql`select ${sql.raw(COLUMNS)}, 1 as sign from bookings`)};`,
  )
  await sql`
    create function rebuild_booking_nights() returns void language plpgsql as $$
    begin
      ${sql.join(rebuilt, sql``)}
    end $$`.execute(db)
  await sql`select rebuild_booking_nights()`.execute(db)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await bookingRollups(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger rooms_forget_booking_nights on rooms`.execute(db)
  for (const event of EVENTS) {
    await sql`drop trigger ${sql.raw(`bookings_nights_${event}`)} on bookings`.execute(db)
    await sql`drop function ${sql.raw(`booking_nights_${event}`)}()`.execute(db)
  }
  await sql`drop function booking_nights_forget_room()`.execute(db)
  await sql`drop function rebuild_booking_nights()`.execute(db)
  await sql`drop table booking_months`.execute(db)
  await sql`drop table booking_days`.execute(db)
}
