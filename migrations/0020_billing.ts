import { sql, type Kysely } from 'kysely'

/**
 * Card payments of bookings through Stripe, their refunds, and the webhook events Stripe sends.
 *
 * A booking made while billing is on starts `pending_payment`, holding its rooms until `expires_at`;
 * paid, it is `confirmed`; not paid in time, `expired`. Held rooms count as taken, so the availability
 * index now covers held bookings too (the queries add the `expires_at` condition).
 *
 * Amounts are integer cents (`bigint`), never floats. One charge per booking and one refund per
 * charge (refunds are whole), settled by unique constraints; every event is stored by Stripe's id
 * before it is handled, so a redelivered event finds its row and does nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table bookings drop constraint bookings_status_check`.execute(db)
  await sql`
    alter table bookings add constraint bookings_status_check
    check (status in ('pending_payment', 'confirmed', 'cancelled', 'expired'))`.execute(db)
  await sql`alter table bookings add column expires_at timestamptz`.execute(db)
  await sql`
    alter table bookings add constraint bookings_hold_check
    check (status <> 'pending_payment' or expires_at is not null)`.execute(db)
  await sql`drop index bookings_room_availability_idx`.execute(db)
  await sql`
    create index bookings_room_availability_idx on bookings (room_id, date_to, date_from)
    where status in ('confirmed', 'pending_payment')`.execute(db)

  await sql`
    create table charges (
      id bigint generated always as identity primary key,
      booking_id bigint not null references bookings (id),
      user_id bigint not null references users (id),
      amount_cents bigint not null check (amount_cents > 0),
      currency char(3) not null,
      status text not null default 'pending'
        check (status in ('pending', 'paid', 'refunded', 'partially_refunded', 'failed', 'expired')),
      idempotency_key uuid not null,
      checkout_session_id text,
      checkout_url text,
      payment_intent_id text,
      expires_at timestamptz not null,
      paid_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint charges_booking_id_key unique (booking_id),
      constraint charges_idempotency_key_key unique (idempotency_key),
      constraint charges_checkout_session_id_key unique (checkout_session_id),
      constraint charges_paid_check
        check ((status in ('paid', 'refunded', 'partially_refunded')) = (paid_at is not null))
    )`.execute(db)
  await sql`create index charges_created_at_id_idx on charges (created_at desc, id desc)`.execute(db)
  await sql`create index charges_status_created_at_id_idx on charges (status, created_at desc, id desc)`.execute(
    db,
  )
  // The ledger reads money that came in, newest first; the hold sweep reads pending charges by expiry.
  await sql`create index charges_paid_at_id_idx on charges (paid_at desc, id desc) where paid_at is not null`.execute(
    db,
  )
  await sql`create index charges_pending_expiry_idx on charges (expires_at) where status = 'pending'`.execute(
    db,
  )

  await sql`
    create table refunds (
      id bigint generated always as identity primary key,
      charge_id bigint not null references charges (id),
      booking_id bigint not null references bookings (id),
      amount_cents bigint not null check (amount_cents > 0),
      currency char(3) not null,
      reason text not null check (reason in ('cancelled', 'late_payment')),
      status text not null default 'pending'
        check (status in ('pending', 'requires_action', 'succeeded', 'failed', 'canceled')),
      idempotency_key uuid not null,
      stripe_refund_id text,
      failure_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint refunds_charge_id_key unique (charge_id),
      constraint refunds_idempotency_key_key unique (idempotency_key),
      constraint refunds_stripe_refund_id_key unique (stripe_refund_id)
    )`.execute(db)
  await sql`create index refunds_created_at_id_idx on refunds (created_at desc, id desc)`.execute(db)

  await sql`
    create table stripe_events (
      id text primary key,
      type text not null,
      payload jsonb not null,
      received_at timestamptz not null,
      handled_at timestamptz
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table stripe_events`.execute(db)
  await sql`drop table refunds`.execute(db)
  await sql`drop table charges`.execute(db)
  await sql`drop index bookings_room_availability_idx`.execute(db)
  await sql`update bookings set status = 'cancelled', cancelled_at = coalesce(cancelled_at, created_at)
    where status in ('pending_payment', 'expired')`.execute(db)
  await sql`
    create index bookings_room_availability_idx on bookings (room_id, date_to, date_from)
    where status = 'confirmed'`.execute(db)
  await sql`alter table bookings drop constraint bookings_hold_check`.execute(db)
  await sql`alter table bookings drop column expires_at`.execute(db)
  await sql`alter table bookings drop constraint bookings_status_check`.execute(db)
  await sql`
    alter table bookings add constraint bookings_status_check
    check (status in ('confirmed', 'cancelled'))`.execute(db)
}
