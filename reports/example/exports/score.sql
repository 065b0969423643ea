SELECT "id", "period", "churn_probability", (CASE WHEN ("hc_gate" IS NULL OR CAST("hc_gate" AS DOUBLE PRECISION) < 1.0) THEN 'requires attention' WHEN "churn_probability" IS NULL THEN NULL WHEN "churn_probability" <= 0.008080848200358872 THEN 'doing well' WHEN "churn_probability" <= 0.05667086205687255 THEN 'take notice' ELSE 'requires attention' END) AS "band"
  FROM (
SELECT "id", "period", "hc_segment", "hc_gate", "hc_p" AS "churn_probability"
  FROM (
SELECT "id", "period", "hc_segment", "hc_gate", CASE WHEN "hc_eta" IS NULL THEN NULL WHEN "hc_eta" > 700 THEN 1.0 WHEN "hc_eta" < -700 THEN 0.0 WHEN "hc_eta" >= 0 THEN 1.0 / (1.0 + EXP(-"hc_eta")) ELSE EXP("hc_eta") / (1.0 + EXP("hc_eta")) END AS "hc_p"
  FROM (
SELECT "customer_id" AS "id", "period" AS "period", "segment" AS "hc_segment", "invoice_sent" AS "hc_gate",
    ((-0.22635089903090638)
        + (-0.2829790618667857) * (CASE WHEN "logins_30d" IS NULL THEN 3.0 ELSE (CASE WHEN CAST("logins_30d" AS DOUBLE PRECISION) > -1 THEN LN(1.0 + CAST("logins_30d" AS DOUBLE PRECISION)) ELSE NULL END) END)
        + 0.2571372899980093 * (CASE WHEN "logins_30d" IS NULL THEN 1.0 ELSE 0.0 END)
        + (-2.0880513970049637) * (CASE WHEN "active_user_share" IS NULL THEN 0.6 ELSE CAST("active_user_share" AS DOUBLE PRECISION) END)
        + 0.02033229529632388 * (CASE WHEN "active_user_share" IS NULL THEN 1.0 ELSE 0.0 END)
        + (-0.016416687753176368) * (CASE WHEN "feature_adoption" IS NULL THEN 8.0 ELSE CAST("feature_adoption" AS DOUBLE PRECISION) END)
        + 0.4113650253216067 * (CASE WHEN "support_tickets" IS NULL THEN 1.0 ELSE (CASE WHEN CAST("support_tickets" AS DOUBLE PRECISION) > -1 THEN LN(1.0 + CAST("support_tickets" AS DOUBLE PRECISION)) ELSE NULL END) END)
        + 0.6402415711963275 * (CASE WHEN "support_tickets" IS NULL THEN 1.0 ELSE 0.0 END)
        + (-0.012788751110550547) * (CASE WHEN "nps" IS NULL THEN 0.0 ELSE CAST("nps" AS DOUBLE PRECISION) END)
        + 0.44872510281271055 * (CASE WHEN "nps" IS NULL THEN 1.0 ELSE 0.0 END)
        + 0.3980881851208493 * (CASE WHEN "payment_delay_days" IS NULL THEN 0.0 ELSE (CASE WHEN CAST("payment_delay_days" AS DOUBLE PRECISION) > -1 THEN LN(1.0 + CAST("payment_delay_days" AS DOUBLE PRECISION)) ELSE NULL END) END)
        + 0.44889761339223483 * (CASE WHEN "payment_delay_days" IS NULL THEN 1.0 ELSE 0.0 END)
        + (-0.18815802108661248) * (CASE WHEN "exec_meetings" IS NULL THEN 0.0 ELSE CAST("exec_meetings" AS DOUBLE PRECISION) END)
        + (-0.18690568957664308) * (CASE WHEN "seats" IS NULL THEN 3.258096538021482 ELSE (CASE WHEN CAST("seats" AS DOUBLE PRECISION) > -1 THEN LN(1.0 + CAST("seats" AS DOUBLE PRECISION)) ELSE NULL END) END)
        + (-0.4527051970074613) * (CASE WHEN "plan" = 'enterprise' THEN 1.0 ELSE 0.0 END)
        + (-0.4036845347526663) * (CASE WHEN "plan" = 'pro' THEN 1.0 ELSE 0.0 END)
        + (-0.48992280329127835) * (CASE WHEN "invoice_sent" IS NULL THEN 1.0 ELSE (CASE WHEN LOWER(TRIM(CAST("invoice_sent" AS TEXT))) IN ('1', '1.0', 'true', 'yes') THEN 1.0 WHEN LOWER(TRIM(CAST("invoice_sent" AS TEXT))) IN ('0', '0.0', 'false', 'no') THEN 0.0 ELSE NULL END) END)) AS "hc_eta"
  FROM "panel"
  ) AS "hc_linear"
  ) AS "hc_raw"
  ) AS "hc_calibrated";
