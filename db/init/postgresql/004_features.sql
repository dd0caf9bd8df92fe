-- ML views over the M1 candles: features_m1, labels_m1 and trainset_m1. Formulas and rules: docs/features.md.
-- Runs unchanged on plain PostgreSQL 15+ and on TimescaleDB. Reads only market_data. Idempotent.
--
-- Windows count BARS (rows of one symbol in open_time order), not minutes: a gap in time is not filled.
-- No look-ahead: every feature of bar t reads bars <= t only; a label of bar t reads bar t and bars after it.
-- A window value is NULL until its window is full (count rule), so a short history never gives a partial value.
-- CREATE OR REPLACE keeps the grants on the views; changing a column's name or type needs a DROP VIEW first.

CREATE OR REPLACE VIEW features_m1 AS
WITH bars AS (
    SELECT symbol,
           open_time,
           close,
           -- A non-positive price has no log return: NULL instead of an error for the whole query.
           CASE WHEN close > 0 THEN close END AS px
      FROM market_data
     WHERE timeframe = 'M1'
), changes AS (
    SELECT symbol,
           open_time,
           close,
           ln(px / lag(px, 1) OVER w)  AS ret_1,
           ln(px / lag(px, 5) OVER w)  AS ret_5,
           ln(px / lag(px, 15) OVER w) AS ret_15,
           close - lag(close, 1) OVER w AS change
      FROM bars
    WINDOW w AS (PARTITION BY symbol ORDER BY open_time)
), sums AS (
    SELECT symbol,
           open_time,
           close,
           ret_1,
           ret_5,
           ret_15,
           count(ret_1) OVER w20                                        AS n_ret_20,
           stddev_samp(ret_1) OVER w20                                  AS sd_ret_20,
           count(change) OVER w14                                       AS n_change_14,
           sum(CASE WHEN change > 0 THEN change ELSE 0 END) OVER w14    AS gain_14,
           sum(CASE WHEN change < 0 THEN -change ELSE 0 END) OVER w14   AS loss_14,
           count(close) OVER w10                                        AS n_close_10,
           avg(close) OVER w10                                          AS ma_10,
           count(close) OVER w30                                        AS n_close_30,
           avg(close) OVER w30                                          AS ma_30
      FROM changes
    WINDOW w   AS (PARTITION BY symbol ORDER BY open_time),
           w10 AS (w ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
           w14 AS (w ROWS BETWEEN 13 PRECEDING AND CURRENT ROW),
           w20 AS (w ROWS BETWEEN 19 PRECEDING AND CURRENT ROW),
           w30 AS (w ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT symbol,
       open_time,
       (extract(epoch FROM open_time) * 1000)::bigint                  AS open_time_msc,
       close,
       ret_1,
       ret_5,
       ret_15,
       CASE WHEN n_ret_20 = 20 THEN sd_ret_20 END                       AS vol_20,
       CASE WHEN n_change_14 < 14 THEN NULL
            WHEN loss_14 = 0 THEN 100.0::double precision
            ELSE 100.0 * gain_14 / (gain_14 + loss_14)
       END                                                               AS rsi_14,
       CASE WHEN n_close_10 = 10 THEN close / ma_10 END                 AS ma_ratio_10,
       CASE WHEN n_close_30 = 30 THEN close / ma_30 END                 AS ma_ratio_30,
       extract(hour FROM open_time AT TIME ZONE 'UTC')::integer          AS hour_of_day
  FROM sums;

CREATE OR REPLACE VIEW labels_m1 AS
WITH bars AS (
    SELECT symbol,
           open_time,
           close,
           CASE WHEN close > 0 THEN close END AS px
      FROM market_data
     WHERE timeframe = 'M1'
), ahead AS (
    SELECT symbol,
           open_time,
           close,
           ln(lead(px, 5) OVER w / px) AS fwd_ret_5
      FROM bars
    WINDOW w AS (PARTITION BY symbol ORDER BY open_time)
)
SELECT symbol,
       open_time,
       (extract(epoch FROM open_time) * 1000)::bigint AS open_time_msc,
       close,
       fwd_ret_5,
       sign(fwd_ret_5)::integer                       AS label
  FROM ahead;

CREATE OR REPLACE VIEW trainset_m1 AS
SELECT f.symbol,
       f.open_time,
       f.open_time_msc,
       f.close,
       f.ret_1,
       f.ret_5,
       f.ret_15,
       f.vol_20,
       f.rsi_14,
       f.ma_ratio_10,
       f.ma_ratio_30,
       f.hour_of_day,
       l.fwd_ret_5,
       l.label
  FROM features_m1 f
  JOIN labels_m1 l ON l.symbol = f.symbol AND l.open_time = f.open_time
 WHERE f.ret_1 IS NOT NULL
   AND f.ret_5 IS NOT NULL
   AND f.ret_15 IS NOT NULL
   AND f.vol_20 IS NOT NULL
   AND f.rsi_14 IS NOT NULL
   AND f.ma_ratio_10 IS NOT NULL
   AND f.ma_ratio_30 IS NOT NULL
   AND l.fwd_ret_5 IS NOT NULL;
