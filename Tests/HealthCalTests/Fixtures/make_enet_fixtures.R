#!/usr/bin/env Rscript
# Reference elastic-net logistic fits from R glmnet on the Telco sample, for ElasticNetTelcoTests.
#
# healthcal minimizes  -log L + l1*sum|b_j| + (l2/2)*sum b_j^2  (intercept unpenalized);
# glmnet minimizes     -(1/n) log L + lambda*[(1-alpha)/2*||b||^2 + alpha*||b||_1],
# the same optimum for l1 = n*lambda*alpha, l2 = n*lambda*(1-alpha).
#
# The design is healthcal's encoding of enet_telco_spec.yaml, reproduced here (docs/encodings.md):
#   numeric: impute median (numpy's median), then standardize with the mean and the population SD;
#   boolean: 0/1; categorical: one column per non-reference level, levels in C (Unicode) order,
#   the reference the most frequent level. The JSON carries the design's column names, means and
#   SDs and its first rows, which the test checks against healthcal's design before the weights.
# Run (from this folder):  Rscript make_enet_fixtures.R > enet_reference.json
suppressMessages({ library(glmnet); library(jsonlite) })

# All 7,043 rows have 21 fields (telco.md: two records were restored in the committed copy); the
# filter guards against a malformed copy.
lines <- readLines("telco.csv")
lines <- lines[lengths(strsplit(lines, ",", fixed = TRUE)) == 21]
d <- read.csv(text = lines, stringsAsFactors = FALSE, na.strings = c("", " "))
y <- as.numeric(d$Churn == "Yes")
n <- nrow(d)
numeric_cols <- c("tenure", "MonthlyCharges", "TotalCharges")
categorical_cols <- c("gender", "Partner", "Dependents", "MultipleLines", "InternetService",
                      "Contract", "PaperlessBilling", "PaymentMethod")
cols <- list(); names_out <- c()
for (v in numeric_cols) {
  x <- as.numeric(d[[v]])
  x[is.na(x)] <- median(x, na.rm = TRUE)
  s <- sqrt(mean((x - mean(x))^2))
  cols[[length(cols) + 1]] <- (x - mean(x)) / s; names_out <- c(names_out, v)
}
cols[[length(cols) + 1]] <- as.numeric(d$SeniorCitizen); names_out <- c(names_out, "SeniorCitizen")
# Levels seen fewer than 20 times pool into "(other)", its column after the levels (min_count):
# Contract has one such cell in the committed file, "Mon730.o-month" (line 4986, customer 5236-XMZJY).
for (v in categorical_cols) {
  tab <- table(d[[v]])
  levels <- sort(names(tab), method = "radix")
  counts <- as.numeric(tab[levels])
  rare <- levels[counts < 20]
  kept <- setdiff(levels, rare)
  reference <- kept[which(counts[levels %in% kept] == max(counts[levels %in% kept]))[1]]
  for (l in setdiff(kept, reference)) {
    cols[[length(cols) + 1]] <- as.numeric(d[[v]] == l); names_out <- c(names_out, paste0(v, "=", l))
  }
  if (length(rare) > 0) {
    cols[[length(cols) + 1]] <- as.numeric(d[[v]] %in% rare); names_out <- c(names_out, paste0(v, "=(other)"))
  }
}
X <- do.call(cbind, cols); colnames(X) <- names_out

# thresh: the issue asks for 1e-14, but at the smallest lambda that leaves glmnet's weights
# 5.8e-6 from its optimum (the KKT conditions below hold only to 2.8e-8 on the mean-loss scale);
# 1e-20 brings the violation to ~2e-11, which the JSON records per case.
kkt_violation <- function(b, alpha, lambda) {
  eta <- b[1] + X %*% b[-1]; mu <- 1 / (1 + exp(-eta))
  g <- as.numeric(t(cbind(1, X)) %*% (mu - y)) / n
  bb <- b[-1]; gg <- g[-1] + lambda * (1 - alpha) * bb; l1 <- lambda * alpha
  max(abs(g[1]), ifelse(bb != 0, abs(gg + l1 * sign(bb)), pmax(0, abs(gg) - l1)))
}
fit_at <- function(alpha, lambda) {
  f <- glmnet(X, y, family = "binomial", alpha = alpha, lambda = lambda, standardize = FALSE,
              thresh = 1e-20, maxit = 1e7)
  b <- as.numeric(coef(f))
  list(alpha = alpha, lambda = lambda, l1 = n * lambda * alpha, l2 = n * lambda * (1 - alpha),
       intercept = b[1], coef = b[-1], nonzero = sum(b[-1] != 0), kkt_violation = kkt_violation(b, alpha, lambda))
}
cases <- list(fit_at(1, 0.02), fit_at(0.5, 0.005), fit_at(1, 0.001))

path <- glmnet(X, y, family = "binomial", alpha = 1, standardize = FALSE, thresh = 1e-14, maxit = 1e7)
out <- list(
  glmnet_version = as.character(packageVersion("glmnet")), rows = n, columns = names_out,
  design_means = colMeans(X), design_sds = apply(X, 2, function(c) sqrt(mean((c - mean(c))^2))),
  design_head = unname(split(X[1:5, ], seq_len(5))),
  cases = cases,
  path = list(alpha = 1, lambda = path$lambda, l1 = n * path$lambda, nonzero = as.numeric(path$df))
)
cat(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "\n")
