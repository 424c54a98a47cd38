// duckdb_check.mjs: an independent Parquet reader/writer (DuckDB) for
// dataio's interoperability test (TestInteropDuckDB).
//
// Usage:
//   node duckdb_check.mjs FILE
//       Prints one JSON object describing FILE as DuckDB sees it:
//         describe:     [{name, type}] from DESCRIBE (types as DuckDB spells them)
//         physical:     [{name, type, logical_type, repetition}] leaf and group
//                       elements from parquet_schema()
//         compression:  distinct column-chunk codecs from parquet_metadata()
//         row_count, level_sum (sum of extra_info.level, or of level), and
//         first_prompt (prompt[1].content for list prompts, else prompt), all
//         as strings so 64-bit values survive JSON.
//   node duckdb_check.mjs --write FILE SQL
//       Runs COPY (SQL) TO FILE (FORMAT parquet, COMPRESSION zstd).
//
// The @duckdb/node-api package is loaded from the node_modules directory named
// by the R1LAB_NODE_MODULES environment variable (the Go test sets it), since
// this script does not live under that directory.
import { createRequire } from 'node:module';
import path from 'node:path';

const modules = process.env.R1LAB_NODE_MODULES;
if (!modules) {
  console.error('R1LAB_NODE_MODULES is not set');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), 'noop.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

// quote renders s as a SQL string literal.
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";

async function all(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

async function describe(conn, file) {
  const src = `read_parquet(${quote(file)}, file_row_number=true)`;
  const cols = (await all(conn, `DESCRIBE SELECT * EXCLUDE (file_row_number) FROM ${src}`))
    .map((r) => ({ name: r.column_name, type: r.column_type }));
  const physical = (await all(conn,
    `SELECT name, type, logical_type, repetition_type FROM parquet_schema(${quote(file)})`))
    .map((r) => ({ name: r.name, type: r.type, logical_type: r.logical_type, repetition: r.repetition_type }));
  const compression = (await all(conn,
    `SELECT DISTINCT compression FROM parquet_metadata(${quote(file)}) ORDER BY 1`))
    .map((r) => r.compression);

  const typeOf = (name) => (cols.find((c) => c.name === name) || {}).type || '';
  const extra = typeOf('extra_info');
  let levelExpr = 'NULL';
  if (/\blevel\b/.test(extra)) levelExpr = 'sum(extra_info.level)';
  else if (typeOf('level')) levelExpr = 'sum(level)';
  const promptExpr = typeOf('prompt').endsWith('[]') ? 'prompt[1].content' : 'prompt';

  const [agg] = await all(conn,
    `SELECT CAST(count(*) AS VARCHAR) AS row_count, CAST(${levelExpr} AS VARCHAR) AS level_sum FROM ${src}`);
  const first = await all(conn,
    `SELECT ${promptExpr} AS p FROM ${src} ORDER BY file_row_number LIMIT 1`);
  return {
    describe: cols,
    physical,
    compression,
    row_count: agg.row_count,
    level_sum: agg.level_sum,
    first_prompt: first.length ? first[0].p : null,
  };
}

const args = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  if (args[0] === '--write' && args.length === 3) {
    await conn.run(`COPY (${args[2]}) TO ${quote(args[1])} (FORMAT parquet, COMPRESSION zstd)`);
  } else if (args.length === 1) {
    console.log(JSON.stringify(await describe(conn, args[0])));
  } else {
    console.error('usage: duckdb_check.mjs FILE | --write FILE SQL');
    process.exitCode = 2;
  }
} finally {
  conn.closeSync();
  instance.closeSync();
}
