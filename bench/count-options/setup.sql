-- Three ways to keep a count of rows per (k, due), side by side, for `run.sh`.
set client_min_messages = warning;
-- hot:   one count row per key, updated by a per-row trigger (Bureau's counts before migration 0016).
-- slot:  one count row per key and database connection, updated once per statement (migration 0016).
-- delta: an append-only row per statement, summed by readers until a fold (not kept).
drop table if exists p_hot, c_hot, p_slot, c_slot, p_delta, c_delta;

create table c_hot (k int, due date, n int not null, primary key (k, due) include (n));
create table p_hot (id bigint generated always as identity primary key, k int not null, due date not null);
create function count_hot() returns trigger language plpgsql as $$
begin
  insert into c_hot as c values (new.k, new.due, 1) on conflict (k, due) do update set n = c.n + 1;
  return null;
end $$;
create trigger count_hot after insert on p_hot for each row execute function count_hot();

create table c_slot (k int, due date, slot int, n int not null, primary key (k, due, slot) include (n));
create table p_slot (id bigint generated always as identity primary key, k int not null, due date not null);
create function count_slot() returns trigger language plpgsql as $$
begin
  insert into c_slot as c
  select k, due, pg_backend_pid(), count(*) from inserted group by 1, 2
  on conflict (k, due, slot) do update set n = c.n + excluded.n;
  return null;
end $$;
create trigger count_slot after insert on p_slot referencing new table as inserted
  for each statement execute function count_slot();

create table c_delta (k int not null, due date not null, n int not null);
create index on c_delta (k, due) include (n);
create table p_delta (id bigint generated always as identity primary key, k int not null, due date not null);
create function count_delta() returns trigger language plpgsql as $$
begin
  insert into c_delta select k, due, count(*) from inserted group by 1, 2;
  return null;
end $$;
create trigger count_delta after insert on p_delta referencing new table as inserted
  for each statement execute function count_delta();
