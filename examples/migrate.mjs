// Creates the `greetings` table and seeds it. Safe to run any number of times: the table is
// created only if missing and the seed rows are inserted only into an empty table.
import pg from 'pg';

const SEED = ['Hello from PostgreSQL!', 'Bonjour, portier.', 'Hallo, Welt.'];

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('migrate: DATABASE_URL is not set (portier sets it for services depending on db).');
  process.exit(1);
}

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query('begin');
  // Two migrations running at once (a restarted stack, a second terminal) wait for each other.
  await client.query("select pg_advisory_xact_lock(hashtext('demo-migrate'))");
  await client.query(`
    create table if not exists greetings (
      id         serial primary key,
      text       text not null check (length(text) between 1 and 200),
      created_at timestamptz not null default now()
    )`);
  const seeded = await client.query(
    `insert into greetings (text)
       select unnest($1::text[])
       where not exists (select 1 from greetings)`,
    [SEED],
  );
  await client.query('commit');
  const { rows } = await client.query('select count(*)::int as n from greetings');
  console.log(`migrate: greetings ready (${seeded.rowCount} seeded, ${rows[0].n} in total)`);
} catch (error) {
  await client.query('rollback').catch(() => {});
  console.error(`migrate: failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await client.end();
}
