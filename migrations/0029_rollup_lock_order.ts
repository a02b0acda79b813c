import { sql, type Kysely } from 'kysely'
import {
  addTo,
  changesBy,
  EVENTS,
  recountDecisions,
  ROLLUPS,
  SOURCES,
  type Rollup,
} from './0025_business_day_rollups.ts'

/*
 * The roll-up triggers of 0025 take their row locks in one order everywhere.
 *
 * Every change of a payout's or a complaint's status adds to a few shared counter rows (per day or
 * month, purpose, provider, status), locked until the transaction ends. 0025 upserted them in
 * whatever order the aggregate produced, and a payout's trigger counted `payout_stats` before
 * `complaint_stats` while a decision counts `complaint_stats` first (its complaint changes before its
 * payout). So two API processes approving complaints while workers prepare and fund their refunds
 * locked the same rows in opposite orders: deadlocks (one side failed with a 500 or a retried job)
 * and convoys behind them that outlasted nginx's 60 s read timeout (test/scale/through-nginx).
 * Now each upsert goes in key order, and roll-ups are counted in name order (complaint_stats, then
 * payout_stats) in every trigger: waits stay short, and no cycle can form among these rows.
 */

/** `addTo` of 0025, with both upserts in key order. */
function addToInOrder(rollup: Rollup, changes: string): string {
  const keys = rollup.keys.join(', ')
  const values = rollup.values.join(', ')
  const add = rollup.values.map((value) => `${value} = t.${value} + excluded.${value}`).join(', ')
  const sums = rollup.values.map((value) => `sum(${value})`).join(', ')
  return `with changes as (${changes}),
    days as (
      insert into ${rollup.name}_days as t (day, ${keys}, ${values})
      select day, ${keys}, ${values} from changes order by day, ${keys}
      on conflict (day, ${keys}) do update set ${add})
    insert into ${rollup.name}_months as t (month, ${keys}, ${values})
    select date_trunc('month', day::timestamp)::date, ${keys}, ${sums} from changes
    group by 1, ${keys} order by 1, ${keys}
    on conflict (month, ${keys}) do update set ${add};`
}

async function replaceTriggerFunctions(db: Kysely<unknown>, ordered: boolean): Promise<void> {
  const rollups = ordered ? [...ROLLUPS].sort((a, b) => a.name.localeCompare(b.name)) : ROLLUPS
  const add = ordered ? addToInOrder : addTo
  for (const source of SOURCES) {
    for (const [event, { rows }] of Object.entries(EVENTS)) {
      const statements = rollups
        .filter((rollup) => rollup.sources[source])
        .map((rollup) => {
          const rowsOf = rollup.sources[source] ?? (() => '')
          const signed = rows
            .map(
              (relation) =>
                `select ${relation === 'deleted' ? -1 : 1} as sign, s.* from (${rowsOf(relation)}) s`,
            )
            .join(' union all ')
          return add(rollup, changesBy(rollup, signed))
        })
      if (source === 'complaints') statements.push(recountDecisions(event as keyof typeof EVENTS))
      await sql`
        create or replace function ${sql.raw(`${source}_business_day_stats_${event}`)}() returns trigger
        language plpgsql as $$
        begin
          ${sql.raw(statements.join('\n'))}
          return null;
        end $$`.execute(db)
    }
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceTriggerFunctions(db, true)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await replaceTriggerFunctions(db, false)
}
