import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table hotels (
      id bigint generated always as identity primary key,
      name text not null check (length(name) between 1 and 200),
      location text not null check (length(location) between 1 and 200),
      address text not null check (length(address) <= 500),
      services text[] not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db)
  // Every list is ordered by name then id; the location filter is a case-insensitive substring.
  await sql`create index hotels_name_id_idx on hotels (name, id)`.execute(db)
  await sql`create index hotels_location_trgm_idx on hotels using gin (location gin_trgm_ops)`.execute(db)

  // A room type: `quantity` interchangeable rooms at one price per night. Rooms go with their hotel.
  await sql`
    create table rooms (
      id bigint generated always as identity primary key,
      hotel_id bigint not null references hotels (id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      description text not null check (length(description) <= 2000),
      price numeric(12, 2) not null check (price > 0 and price < 1000000),
      quantity integer not null check (quantity between 1 and 10000),
      services text[] not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db)
  await sql`create index rooms_hotel_id_idx on rooms (hotel_id, id)`.execute(db)

  // A booking keeps its price, nights and names as booked: a room deleted later (only once it has no
  // stays to come) leaves its past bookings in the guests' lists.
  await sql`
    create table bookings (
      id bigint generated always as identity primary key,
      room_id bigint references rooms (id) on delete set null,
      user_id bigint not null references users (id),
      hotel_name text not null,
      room_name text not null,
      date_from date not null,
      date_to date not null,
      price numeric(12, 2) not null check (price > 0),
      nights integer not null,
      total_cost numeric(12, 2) not null,
      status text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
      created_at timestamptz not null,
      cancelled_at timestamptz,
      reminded_at timestamptz,
      constraint bookings_dates_check check (date_to > date_from and nights = date_to - date_from),
      constraint bookings_cancelled_check check ((status = 'cancelled') = (cancelled_at is not null))
    )`.execute(db)
  // Availability reads the confirmed bookings of a room that end after the first night asked for:
  // past stays fall outside the range scanned, so it stays fast however many there are.
  await sql`
    create index bookings_room_availability_idx on bookings (room_id, date_to, date_from)
    where status = 'confirmed'`.execute(db)
  // A guest's bookings, upcoming first.
  await sql`create index bookings_user_idx on bookings (user_id, date_from, id)`.execute(db)
  // The reminder job: confirmed stays starting on a given day not reminded yet.
  await sql`
    create index bookings_reminder_idx on bookings (date_from)
    where status = 'confirmed' and reminded_at is null`.execute(db)

  await sql`
    create table hotel_images (
      hotel_id bigint not null references hotels (id) on delete cascade,
      image_id uuid not null references images (id),
      created_at timestamptz not null,
      primary key (hotel_id, image_id)
    )`.execute(db)
  await sql`
    create table room_images (
      room_id bigint not null references rooms (id) on delete cascade,
      image_id uuid not null references images (id),
      created_at timestamptz not null,
      primary key (room_id, image_id)
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table room_images`.execute(db)
  await sql`drop table hotel_images`.execute(db)
  await sql`drop table bookings`.execute(db)
  await sql`drop table rooms`.execute(db)
  await sql`drop table hotels`.execute(db)
}
