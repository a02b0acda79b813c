import { sql, type Kysely } from 'kysely'

/*
 * Complaints and payouts by business day, kept beside them for statistics.
 *
 * Their statistics group by the month of an instant (a complaint filed, a payout created) in the
 * business time zone; summing the rows themselves reads 46 000 complaints or 93 000 payouts for a
 * year. Instead two roll-ups keep, per business day (`*_days`) and month (`*_months`):
 * - `payout_stats`: per purpose, provider, status and failure reason (failed payouts only; '' for
 *   the others), how many payouts were created and their amount;
 * - `complaint_stats`: per status, how many complaints were filed, the amounts asked, and what their
 *   refunds paid out (complaint_refund payouts funded or completed, whatever the complaint's status).
 * A range reads whole months from `*_months` and only the days of the months it cuts from `*_days`.
 *
 * The median and 90th percentile of the hours from filing to decision cannot be summed. For each
 * business month `complaint_decision_months` keeps them as `percentile_cont` gives them over that
 * month's decided complaints, recounted from the rows (one month's, through `complaints_decided_idx`)
 * whenever a change touches a decided complaint of the month: a decision, a deletion, a new filing or
 * decision time. The recount first takes the month's row lock and only then reads the complaints, so
 * of two transactions deciding in the same month the second recounts after the first has committed
 * and sees both (read committed). A range cutting a month reads that month's complaints itself.
 *
 * Statement triggers with transition tables keep them in the same transactions as the rows: an
 * insert counts its rows in, a delete counts them out, an update counts the old rows out and the new
 * ones in (a decision, a payout completed, a date changed). The refunds tie the two tables: a change
 * of complaints reads the paid refunds of its complaints, a change of refund payouts reads their
 * complaints' filing time and status (both through their indexes); a refund without its complaint
 * counts nowhere, as statistics never showed it. (Each side reads the other as committed: a complaint
 * re-dated or re-decided while its refund is being paid in another transaction could be counted on
 * its old day. Bureau never re-dates a complaint, and decides it before its refund can be paid.)
 *
 * The business day needs the business time zone, which a trigger cannot read from the process's
 * configuration: `business_settings` holds it (UTC until the server says otherwise), and
 * `set_business_time_zone(zone)`, which the server calls at start, stores a new zone and recounts both
 * roll-ups in the same transaction.
 */

export interface Rollup {
  name: string
  /** The table whose rows are counted: a recount reads only its rows, which carry every figure. */
  counted: string
  keys: string[]
  values: string[]
  /** The rows of a relation each source table contributes: `instant`, the keys, the values. */
  sources: Record<string, (relation: string) => string>
}

export const ROLLUPS: Rollup[] = [
  {
    name: 'payout_stats',
    counted: 'payouts',
    keys: ['purpose', 'provider', 'status', 'failure_reason'],
    values: ['payouts', 'amount'],
    sources: {
      payouts: (relation) => `
        select created_at as instant, purpose, provider, status,
          case when status = 'failed' then coalesce(failure_reason, '') else '' end as failure_reason,
          1 as payouts, amount
        from ${relation}`,
    },
  },
  {
    name: 'complaint_stats',
    counted: 'complaints',
    keys: ['status'],
    values: ['complaints', 'amount_asked', 'amount_refunded'],
    sources: {
      complaints: (relation) => `
        select c.created_at as instant, c.status, 1 as complaints, c.amount as amount_asked,
          coalesce((select sum(p.amount) from payouts p where p.subject_id = c.id
            and p.purpose = 'complaint_refund' and p.status in ('funded', 'completed')), 0) as amount_refunded
        from ${relation} c`,
      payouts: (relation) => `
        select c.created_at as instant, c.status, 0 as complaints, 0 as amount_asked, p.amount as amount_refunded
        from ${relation} p join complaints c on c.id = p.subject_id
        where p.purpose = 'complaint_refund' and p.status in ('funded', 'completed')`,
    },
  },
]

/** The changes of `rows` (with a `sign`) summed by business day and keys; unchanged ones left out. */
export function changesBy(rollup: Rollup, rows: string): string {
  const keys = rollup.keys.join(', ')
  const sums = rollup.values.map((value) => `sum(sign * ${value}) as ${value}`).join(', ')
  const changed = rollup.values.map((value) => `sum(sign * ${value}) <> 0`).join(' or ')
  return `select (r.instant at time zone z.time_zone)::date as day, ${keys}, ${sums}
    from (${rows}) r cross join business_settings z
    group by day, ${keys} having ${changed}`
}

/** Adds the changes to the day and the month rows, in one statement. */
export function addTo(rollup: Rollup, changes: string): string {
  const keys = rollup.keys.join(', ')
  const values = rollup.values.join(', ')
  const add = rollup.values.map((value) => `${value} = t.${value} + excluded.${value}`).join(', ')
  const sums = rollup.values.map((value) => `sum(${value})`).join(', ')
  return `with changes as (${changes}),
    days as (
      insert into ${rollup.name}_days as t (day, ${keys}, ${values}) select day, ${keys}, ${values} from changes
      on conflict (day, ${keys}) do update set ${add})
    insert into ${rollup.name}_months as t (month, ${keys}, ${values})
    select date_trunc('month', day::timestamp)::date, ${keys}, ${sums} from changes group by 1, ${keys}
    on conflict (month, ${keys}) do update set ${add};`
}

export const EVENTS = {
  insert: { transition: 'new table as inserted', rows: ['inserted'] },
  delete: { transition: 'old table as deleted', rows: ['deleted'] },
  update: { transition: 'old table as deleted new table as inserted', rows: ['deleted', 'inserted'] },
} as const
export const SOURCES = ['payouts', 'complaints'] as const

/** The filing instants of the decided complaints a statement changed, before and after. */
const DECISIONS_CHANGED = {
  insert: 'select created_at, decided_at from inserted',
  delete: 'select created_at, decided_at from deleted',
  update: `select unnest(array[d.created_at, i.created_at]) as created_at, unnest(array[d.decided_at, i.decided_at]) as decided_at
    from deleted d full join inserted i on i.id = d.id
    where (d.created_at, d.decided_at) is distinct from (i.created_at, i.decided_at)`,
} as const

/** Ends a trigger on complaints: the months whose decided complaints changed are recounted. */
export function recountDecisions(event: keyof typeof DECISIONS_CHANGED): string {
  return `perform recount_complaint_decisions(array(
      select distinct date_trunc('month', c.created_at at time zone z.time_zone)::date
      from (${DECISIONS_CHANGED[event]}) c cross join business_settings z
      where c.decided_at is not null));`
}

async function decisionMonths(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table complaint_decision_months (
      month date primary key,
      decided integer not null default 0,
      hours double precision[]
    )`.execute(db)
  await sql`
    create function recount_complaint_decisions(months date[]) returns void language plpgsql as $$
    declare
      zone text := (select time_zone from business_settings);
    begin
      if cardinality(months) = 0 then
        return;
      end if;
      insert into complaint_decision_months as t (month) select m from unnest(months) m order by m
      on conflict (month) do update set decided = t.decided;
      update complaint_decision_months t set decided = h.decided, hours = h.hours
      from unnest(months) m cross join lateral (
        select count(*)::int as decided,
          percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from decided_at - created_at) / 3600) as hours
        from complaints
        where decided_at is not null
          and created_at >= m::timestamp at time zone zone
          and created_at < (m + interval '1 month') at time zone zone) h
      where t.month = m;
      delete from complaint_decision_months where month = any(months) and decided = 0;
    end $$`.execute(db)
}

async function rollupTables(db: Kysely<unknown>, rollup: Rollup): Promise<void> {
  for (const [table, period] of [
    [`${rollup.name}_days`, 'day'],
    [`${rollup.name}_months`, 'month'],
  ] as const) {
    const values = rollup.values.map(
      (value) =>
        `${value} ${value === 'amount' || value.startsWith('amount_') ? 'numeric' : 'bigint'} not null default 0`,
    )
    await sql`
      create table ${sql.table(table)} (
        ${sql.raw(period)} date not null,
        ${sql.raw(rollup.keys.map((key) => `${key} text not null`).join(', '))},
        ${sql.raw(values.join(', '))},
        primary key (${sql.raw([period, ...rollup.keys].join(', '))})
      )`.execute(db)
  }
}

async function triggers(db: Kysely<unknown>, source: (typeof SOURCES)[number]): Promise<void> {
  const fed = ROLLUPS.filter((rollup) => rollup.sources[source])
  for (const [event, { transition, rows }] of Object.entries(EVENTS)) {
    const statements = fed.map((rollup) => {
      const rowsOf = rollup.sources[source] ?? (() => '')
      const signed = rows
        .map(
          (relation) => `select ${relation === 'deleted' ? -1 : 1} as sign, s.* from (${rowsOf(relation)}) s`,
        )
        .join(' union all ')
      return addTo(rollup, changesBy(rollup, signed))
    })
    if (source === 'complaints') statements.push(recountDecisions(event as keyof typeof EVENTS))
    const name = `${source}_business_day_stats_${event}`
    await sql`
      create function ${sql.raw(name)}() returns trigger language plpgsql as $$
      begin
        ${sql.raw(statements.join('\n'))}
        return null;
      end $$`.execute(db)
    await sql`
      create trigger ${sql.raw(name)} after ${sql.raw(event)} on ${sql.raw(source)}
      referencing ${sql.raw(transition)}
      for each statement execute function ${sql.raw(name)}()`.execute(db)
  }
}

/** `rebuild_business_day_stats()`: both roll-ups counted again from the rows, in the zone stored. */
async function rebuildFunction(db: Kysely<unknown>): Promise<void> {
  const statements = ROLLUPS.map((rollup) => {
    const rowsOf = rollup.sources[rollup.counted] ?? (() => '')
    const all = `select 1 as sign, s.* from (${rowsOf(rollup.counted)}) s`
    return `delete from ${rollup.name}_days; delete from ${rollup.name}_months;
      ${addTo(rollup, changesBy(rollup, all))}`
  })
  await sql`
    create function rebuild_business_day_stats() returns void language plpgsql as $$
    begin
      ${sql.raw(statements.join('\n'))}
      delete from complaint_decision_months;
      ${sql.raw(recountDecisions('insert').replace('from inserted', 'from complaints'))}
    end $$`.execute(db)
}

async function businessTimeZone(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table business_settings (
      one boolean primary key default true check (one),
      time_zone text not null
    )`.execute(db)
  await sql`insert into business_settings (time_zone) values ('UTC')`.execute(db)
  // The row lock makes servers starting together wait for the first one's recount, then find the zone set.
  await sql`
    create function set_business_time_zone(zone text) returns boolean language plpgsql as $$
    begin
      perform now() at time zone zone;
      if (select time_zone from business_settings for update) = zone then
        return false;
      end if;
      update business_settings set time_zone = zone;
      perform rebuild_business_day_stats();
      return true;
    end $$`.execute(db)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await businessTimeZone(db)
  for (const rollup of ROLLUPS) await rollupTables(db, rollup)
  await decisionMonths(db)
  for (const source of SOURCES) {
    // Writers wait for the count of the rows already there, so no change is counted twice or missed.
    await sql`lock table ${sql.raw(source)} in share row exclusive mode`.execute(db)
    await triggers(db, source)
  }
  await rebuildFunction(db)
  await sql`select rebuild_business_day_stats()`.execute(db)
  // What the statistics still read from the rows: the hours to decision of the decided complaints.
  await sql`drop index complaints_stats_idx`.execute(db)
  await sql`drop index payouts_stats_idx`.execute(db)
  await sql`
    create index complaints_decided_idx on complaints (created_at) include (decided_at)
    where decided_at is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index complaints_decided_idx`.execute(db)
  await sql`
    create index complaints_stats_idx on complaints (created_at) include (id, status, amount, decided_at)`.execute(
    db,
  )
  await sql`
    create index payouts_stats_idx on payouts (created_at) include (purpose, provider, status, amount)`.execute(
    db,
  )
  for (const source of SOURCES) {
    for (const event of Object.keys(EVENTS)) {
      const name = `${source}_business_day_stats_${event}`
      await sql`drop trigger ${sql.raw(name)} on ${sql.raw(source)}`.execute(db)
      await sql`drop function ${sql.raw(name)}()`.execute(db)
    }
  }
  await sql`drop function set_business_time_zone(text)`.execute(db)
  await sql`drop function rebuild_business_day_stats()`.execute(db)
  await sql`drop function recount_complaint_decisions(date[])`.execute(db)
  await sql`drop table complaint_decision_months`.execute(db)
  for (const rollup of ROLLUPS) {
    await sql`drop table ${sql.table(`${rollup.name}_months`)}`.execute(db)
    await sql`drop table ${sql.table(`${rollup.name}_days`)}`.execute(db)
  }
  await sql`drop table business_settings`.execute(db)
}
