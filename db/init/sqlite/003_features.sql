-- ML views over the M1 candles, the same logical schema as db/init/postgresql/004_features.sql (formulas and rules:
-- docs/features.md). open_time is epoch milliseconds here, so open_time_msc equals it.
-- Needs SQLite 3.35+ for window functions and ln/sqrt (the bundled sqlite-jdbc has both).
-- SQLite has no stddev_samp: vol_20 is computed from sums, clamped at 0 against rounding.
-- Views hold no data: dropping and creating them again on every start keeps them equal to this file.

DROP VIEW IF EXISTS trainset_m1;
DROP VIEW IF EXISTS labels_m1;
DROP VIEW IF EXISTS features_m1;

CREATE VIEW features_m1 AS
WITH bars AS (
    SELECT symbol,
           open_time,
           close,
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
           sum(ret_1) OVER w20                                          AS sum_ret_20,
           sum(ret_1 * ret_1) OVER w20                                  AS sum_sq_ret_20,
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
       open_time                                                         AS open_time_msc,
       close,
       ret_1,
       ret_5,
       ret_15,
       CASE WHEN n_ret_20 = 20
            THEN sqrt(max(0.0, (sum_sq_ret_20 - sum_ret_20 * sum_ret_20 / 20.0) / 19.0))
       END                                                               AS vol_20,
       CASE WHEN n_change_14 < 14 THEN NULL
            WHEN loss_14 = 0 THEN 100.0
            ELSE 100.0 * gain_14 / (gain_14 + loss_14)
       END                                                               AS rsi_14,
       CASE WHEN n_close_10 = 10 THEN close / ma_10 END                 AS ma_ratio_10,
       CASE WHEN n_close_30 = 30 THEN close / ma_30 END                 AS ma_ratio_30,
       CAST(strftime('%H', open_time / 1000, 'unixepoch') AS INTEGER)    AS hour_of_day
  FROM sums;

CREATE VIEW labels_m1 AS
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
       open_time                                      AS open_time_msc,
       close,
       fwd_ret_5,
       CASE WHEN fwd_ret_5 > 0 THEN 1
            WHEN fwd_ret_5 < 0 THEN -1
            WHEN fwd_ret_5 = 0 THEN 0
       END                                            AS label
  FROM ahead;

CREATE VIEW trainset_m1 AS
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
