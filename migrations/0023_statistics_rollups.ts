import { sql, type Kysely, type RawBuilder } from 'kysely'

/*
 * Nights of the bookings by hotel, kept beside the bookings for statistics.
 *
 * Summing the stays themselves reads 150 000 bookings for a year. Instead two roll-ups keep, per
 * hotel, status and night (`booking_days`) or month (`booking_months`): how many bookings arrive
 * (their first night falls there), how many nights they occupy and what those nights cost at the
 * booked price. A year of statistics then sums whole months from `booking_months` and only the
 * days of a month cut by the range from `booking_days`. Every status is kept, so a status that sells
 * nothing (cancelled, or one to come) never needs a change here.
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
    select c.date_from + i as night, r.hotel_id, c.status,
      case when i = 0 then c.sign else 0 end as arrivals, c.sign as nights, c.sign * c.price as revenue
    from (${bookings}) c
    join rooms r on r.id = c.room_id
    cross join lateral generate_series(0, c.date_to - c.date_from - 1) as i`
}

/** The roll-up's rows of those nights, summed; unchanged ones left out. */
function summed(rollup: (typeof ROLLUPS)[number], bookings: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select ${rollup.of} as key, e.hotel_id, e.status,
      sum(e.arrivals) as arrivals, sum(e.nights) as nights, sum(e.revenue) as revenue
    from (${nightsOf(bookings)}) e
    group by 1, 2, 3
    having sum(e.arrivals) <> 0 or sum(e.nights) <> 0 or sum(e.revenue) <> 0`
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
        status text not null,
        arrivals integer not null default 0,
        nights integer not null default 0,
        revenue numeric not null default 0,
        primary key (${sql.raw(rollup.key)}, hotel_id, status)
      )`.execute(db)
    await sql`create index ${sql.raw(`${rollup.table}_hotel_idx`)} on ${sql.table(rollup.table)} (hotel_id)`.execute(
      db,
    )
  }
  for (const event of EVENTS) {
    const upserts = ROLLUPS.map(
      (rollup) => sql`
        insert into ${sql.table(rollup.table)} as t (${sql.raw(rollup.key)}, hotel_id, status, arrivals, nights, revenue)
        ${summed(rollup, CHANGES[event])}
        on conflict (${sql.raw(rollup.key)}, hotel_id, status) do update
        set arrivals = t.arrivals + excluded.arrivals, nights = t.nights + excluded.nights,
          revenue = t.revenue + excluded.revenue;`,
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
      set arrivals = t.arrivals - e.arrivals, nights = t.nights - e.nights, revenue = t.revenue - e.revenue
      from (${summed(rollup, ofRoom)}) e
      where (t.${sql.raw(rollup.key)}, t.hotel_id, t.status) = (e.key, e.hotel_id, e.status);`,
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
      insert into ${sql.table(rollup.table)} (${sql.raw(rollup.key)}, hotel_id, status, arrivals, nights, revenue)
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
