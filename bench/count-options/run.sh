#!/usr/bin/env bash
# Measures the three ways of counting in setup.sql with pgbench: inserts of one row for one key
# (concentrated) and for 100 keys (spread), 32 clients, then one INSERT of 100 000 rows (10 000 for
# the hot scheme), then how many rows a read of one key's count sums. Usage: bench/count-options/run.sh [seconds]   (default 10)
# Uses a scratch database count_options on BENCH_DATABASE_URL's server (default postgres://root@127.0.0.1:5432/postgres).
set -euo pipefail
seconds=${1:-10}
admin=${BENCH_DATABASE_URL:-postgres://root@127.0.0.1:5432/postgres}
url=${admin%/*}/count_options
here=$(dirname "$0")
psql -q "$admin" -c 'drop database if exists count_options with (force)' -c 'create database count_options'
trap 'psql -q "$admin" -c "drop database if exists count_options with (force)"' EXIT
psql -q "$url" -f "$here/setup.sql"
script=$(mktemp)
for scheme in hot slot delta; do
  for shape in concentrated spread; do
    if [ "$shape" = concentrated ]; then
      echo "insert into p_$scheme (k, due) values (1, date '2030-01-01');" > "$script"
    else
      printf '\\set k random(1, 100)\ninsert into p_%s (k, due) values (:k, date %s);\n' "$scheme" "'2030-01-01'" > "$script"
    fi
    tps=$(pgbench -n -M prepared -c 32 -j 2 -T "$seconds" -f "$script" "$url" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    echo "$scheme $shape: $tps inserts/s"
  done
done
for scheme in hot slot delta; do
  # Per row, the hot scheme updates one row 100 000 times in one transaction: quadratic, so 10 000.
  rows=100000
  if [ "$scheme" = hot ]; then rows=10000; fi
  for triggers in disable enable; do
    ms=$(psql -qAt "$url" <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
begin;
alter table p_$scheme $triggers trigger all;
\timing on
insert into p_$scheme (k, due) select 7, date '2030-02-01' from generate_series(1, $rows);
\timing off
rollback;
SQL
)
    echo "$scheme bulk INSERT of $rows rows, count trigger ${triggers}d: $ms ms"
  done
done
for scheme in hot slot delta; do
  rows=$(psql -qAt "$url" -c "select count(*) from c_$scheme where k = 1")
  echo "$scheme: a read of key 1's count sums $rows rows"
done
