-- diff_gen.sql - the rows of the diff benchmark's siteflow_orders, as CSV.
--
--   psql -v n=1000000 -v side=dev  -f diff_gen.sql > dev.csv
--   psql -v n=1000000 -v side=prod -f diff_gen.sql > prod.csv
--
-- Rows are a pure function of id (0 .. n-1), so the data is the same on every
-- machine. 20 rows per job: job_number = lpad(id/20 + 1, 7). Planted in prod:
--   missing  (only_source): every row of job 0000065 (the everyday case: a job
--            whose siteflow_orders are in dev only) and every id with
--            id % 500 = 123 below n*0.99  -> 20 + 1980 = 2000 rows on 1M (0.2%)
--   changed: every id with id % 1000 = 457 -> 1000 rows on 1M (0.1%), one
--            column each, by (id / 1000) % 5: qty, status, price, payload,
--            updated_at. Every change is a real one (no 1.5 vs 1.50 tricks).
-- Output is in key order (job_number, order_ref), i.e. in id order.
\set ON_ERROR_STOP on
\pset footer off
COPY (
  WITH base AS (
    SELECT id,
           (id % 1000 = 457 AND :'side' = 'prod') AS chg,
           (id / 1000) % 5 AS what,
           timestamp '2024-01-01 00:00:00' + id * interval '37 seconds'
             + (id % 999983) * interval '1 microsecond' AS created
    FROM generate_series(0::bigint, :n - 1) AS id
    WHERE :'side' = 'dev'
       OR NOT (id / 20 + 1 = 65 OR (id % 500 = 123 AND id < :n * 99 / 100))
  )
  SELECT md5('siteflow-' || id)::uuid AS guid,
         lpad((id / 20 + 1)::text, 7, '0') AS job_number,
         'ORD-' || lpad((id + 1)::text, 8, '0') AS order_ref,
         'SKU-' || lpad(((id * 7919) % 5000)::text, 5, '0') AS sku,
         1 + (id * 31) % 50 + CASE WHEN chg AND what = 0 THEN 1 ELSE 0 END AS qty,
         CASE WHEN chg AND what = 1 THEN 'on_hold'
              ELSE (ARRAY['new','printing','printed','shipped','cancelled'])[1 + (id * 13) % 5]
         END AS status,
         (((id * 7907) % 100000) / 100.0 + 0.99
           + CASE WHEN chg AND what = 2 THEN 0.01 ELSE 0 END)::numeric(12,2) AS price,
         CASE WHEN id % 17 = 0 AND NOT (chg AND what = 3) THEN NULL
              ELSE json_build_object(
                'sku', 'SKU-' || lpad(((id * 7919) % 5000)::text, 5, '0'),
                'copies', 1 + id % 4,
                'attrs', json_build_object('colour', (ARRAY['red','green','blue','black'])[1 + id % 4],
                                           'size', (ARRAY['S','M','L','XL','A4','A5'])[1 + id % 6],
                                           'duplex', id % 2 = 0),
                'notes', CASE WHEN chg AND what = 3 THEN 'reprint requested'
                              ELSE 'line ' || (id % 20 + 1) END)::text
         END AS payload,
         created AS created_at,
         created + (id % 3600) * interval '1 second'
           + CASE WHEN chg AND what = 4 THEN interval '1 second' ELSE interval '0' END AS updated_at
  FROM base
  ORDER BY id
) TO STDOUT WITH (FORMAT csv);
