-- Daily rollup of numeric results per datastream and Berlin calendar day (count, sum, min, max),
-- maintained in the same statement as the hourly one: a daily aggregate over a year reads at most
-- 366 rows. Updates and deletes of observations recompute the days they touch.
CREATE TABLE sta_daily (
  datastream_id bigint NOT NULL REFERENCES sta_datastreams(id) ON DELETE CASCADE,
  day date NOT NULL,
  n integer NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (datastream_id, day)
);

-- Backfill from the observations themselves (the source of truth, also for rows that were imported
-- without the hourly rollup).
INSERT INTO sta_daily (datastream_id, day, n, sum, min, max)
SELECT datastream_id, (phenomenon_time AT TIME ZONE 'Europe/Berlin')::date, count(*), sum(result_number),
  min(result_number), max(result_number)
FROM sta_observations WHERE result_number IS NOT NULL
GROUP BY 1, 2;
