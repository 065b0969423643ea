-- The two one-server forms of exact order statistics (StatisticQueries.local), nine deciles of
-- 1M doubles: the row_number() pass healthcal used, and percentile_disc at (k + 1/2)/n it uses now.
-- psql URL -c 'CREATE TABLE os AS SELECT random() AS x FROM generate_series(1,1000000); ANALYZE os'
-- psql URL -f Benchmarks/order_statistics.sql; psql URL -c 'DROP TABLE os'
\timing on
SET jit = off;
SELECT k, x FROM (SELECT CAST(x AS DOUBLE PRECISION) AS x, row_number() OVER (ORDER BY CAST(x AS DOUBLE PRECISION)) - 1 AS k FROM os WHERE true AND (x) IS NOT NULL) AS s WHERE k IN (100000, 200000, 300000, 400000, 500000, 600000, 700000, 800000, 900000);
SELECT count(v), percentile_disc('{0.1000005,0.2000005,0.3000005,0.4000005,0.5000005,0.6000005,0.7000005,0.8000005,0.9000005}'::double precision[]) WITHIN GROUP (ORDER BY v) FROM (SELECT CAST(x AS DOUBLE PRECISION) AS v FROM os WHERE true AND (x) IS NOT NULL OFFSET 0) d;
SELECT k, x FROM (SELECT CAST(x AS DOUBLE PRECISION) AS x, row_number() OVER (ORDER BY CAST(x AS DOUBLE PRECISION)) - 1 AS k FROM os WHERE true AND (x) IS NOT NULL) AS s WHERE k IN (100000, 200000, 300000, 400000, 500000, 600000, 700000, 800000, 900000);
SELECT count(v), percentile_disc('{0.1000005,0.2000005,0.3000005,0.4000005,0.5000005,0.6000005,0.7000005,0.8000005,0.9000005}'::double precision[]) WITHIN GROUP (ORDER BY v) FROM (SELECT CAST(x AS DOUBLE PRECISION) AS v FROM os WHERE true AND (x) IS NOT NULL OFFSET 0) d;
